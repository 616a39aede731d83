package dev.bbm.engine;

import dev.bbm.db.JobRepository;
import dev.bbm.db.JobRepository.ServerRun;
import dev.bbm.db.TableInfo;
import dev.bbm.jobs.BatchedMigrationJob;
import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The steady part of a migration, run inside the server: one call of the procedure
 * {@code bbm_run_batches} (see {@code V6__batches_run_inside_the_server.sql}) creates, runs and
 * records batch after batch, a {@code COMMIT} per sub-batch, with no round trip to bbm between
 * sub-batches or between batches. It runs on the session that holds the migration's
 * {@link MigrationLease}, so that the work stops the moment the lease is lost.
 *
 * <p>PostgreSQL's {@code statement_timeout} would cover the whole call, so bbm watches the call
 * from another connection and cancels it when the transaction under way (one sub-batch) is older
 * than the timeout: the sub-batch rolls back, the ones before it stay.
 */
final class ServerSideBatches {

    private static final Logger LOG = Logger.getLogger(ServerSideBatches.class);

    /** Cancels the worker's statement when its transaction is older than the timeout (in ms). */
    private static final String CANCEL_OVERDUE = """
            SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity
            WHERE pid = $1 AND state = 'active' AND clock_timestamp() - xact_start > $2 * interval '1 millisecond'
            """;

    /** The shortest period between two looks at the worker's transaction. */
    private static final Duration SHORTEST_WATCH = Duration.ofMillis(50);

    /** What one call did, or the failure it ended with (what committed before it stays). */
    record Outcome(ServerRun run, Optional<JobFailure> failure) {}

    private final Pool pool;
    private final JobRepository jobs;
    private final EngineConfig config;
    private final EngineMetrics metrics;

    ServerSideBatches(DatabaseContext db) {
        this.pool = db.pool();
        this.jobs = db.jobs();
        this.config = db.settings();
        this.metrics = db.metrics();
    }

    /**
     * Runs the migration's next batches from {@code start} until {@code maxJobs} succeeded, the
     * {@code budget} is spent, the range ends or the migration stops running.
     *
     * @param needsSwitch whether the schedule switch governs it (a finalizing migration runs regardless)
     */
    Uni<Outcome> run(
            MigrationLease lease,
            BatchedMigration migration,
            BatchedMigrationJob jobClass,
            TableInfo table,
            long start,
            int maxJobs,
            Duration budget,
            boolean needsSwitch) {
        var change = jobClass.subBatchStatement(
                new BatchedMigrationJob.SubBatch(table, migration.columnName(), migration.jobArguments()));
        var request = new JobRepository.ServerRunRequest(
                migration.id(),
                table.qualifiedName(),
                migration.columnName(),
                change.statements(),
                change.values(),
                start,
                migration.maxValue(),
                migration.batchSize(),
                Math.min(migration.subBatchSize(), migration.batchSize()),
                migration.pauseMs(),
                needsSwitch,
                JobExecutor.WORKER,
                config.lockTimeout().toMillis() + "ms",
                maxJobs,
                (int) Math.min(Integer.MAX_VALUE, budget.toMillis()));
        return Uni.createFrom().deferred(() -> {
            Watch watch = new Watch(lease.processId());
            return jobs.runBatches(lease.connection(), request)
                    .onTermination()
                    .invoke(watch::stop)
                    .invoke(run -> report(migration, run))
                    .map(run -> new Outcome(run, Optional.empty()))
                    // An error of the work is the batch's failure; one that ends the session ends
                    // the lease too, and goes up to the worker, which lets the migration go.
                    .onFailure(e -> e instanceof PgException pg && !endsSession(pg.getSqlState()))
                    .recoverWithUni(e -> watch.cancelledIt((PgException) e)
                            .map(byWatch -> new Outcome(
                                    null,
                                    Optional.of(
                                            byWatch
                                                    ? JobFailure.statementTimeout(config.statementTimeout())
                                                    : JobFailure.of(e)))));
        });
    }

    /** Administrator shutdown or termination, and connection errors. */
    private static boolean endsSession(String sqlState) {
        return sqlState != null && (sqlState.startsWith("57P") || sqlState.startsWith("08"));
    }

    /**
     * Looks at the worker's transaction several times per timeout, and cancels it when overdue.
     * The cancel's error can reach bbm before the answer of the look that sent it, so the failure
     * path waits for the look under way before it names the error.
     */
    private final class Watch {

        private final int processId;
        private final long timeoutMillis = config.statementTimeout().toMillis();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile CompletableFuture<Void> look = CompletableFuture.completedFuture(null);
        private final Cancellable ticks;

        Watch(int processId) {
            this.processId = processId;
            Duration every = config.statementTimeout().dividedBy(10);
            this.ticks = Multi.createFrom()
                    .ticks()
                    .every(every.compareTo(SHORTEST_WATCH) < 0 ? SHORTEST_WATCH : every)
                    .onOverflow()
                    .drop()
                    .onItem()
                    .transformToUniAndConcatenate(tick -> look())
                    .subscribe()
                    .with(ignored -> {}, e -> LOG.debugf("Stopped watching process %d: %s", processId, e.getMessage()));
        }

        private Uni<Void> look() {
            CompletableFuture<Void> done = new CompletableFuture<>();
            look = done;
            return pool.preparedQuery(CANCEL_OVERDUE)
                    .execute(Tuple.of(processId, timeoutMillis))
                    .invoke(rows -> {
                        if (rows.iterator().hasNext()
                                && Boolean.TRUE.equals(rows.iterator().next().getBoolean("cancelled"))) {
                            cancelled.set(true);
                            LOG.debugf(
                                    "Cancelled the sub-batch of process %d: older than %d ms",
                                    processId, timeoutMillis);
                        }
                    })
                    .replaceWithVoid()
                    .onFailure()
                    .recoverWithNull()
                    .onTermination()
                    .invoke(() -> done.complete(null));
        }

        void stop() {
            ticks.cancel();
        }

        /** Whether this watch cancelled the statement that failed with {@code error}. */
        Uni<Boolean> cancelledIt(PgException error) {
            if (!"57014".equals(error.getSqlState())) {
                return Uni.createFrom().item(false);
            }
            return Uni.createFrom()
                    .completionStage(look)
                    .ifNoItem()
                    .after(Duration.ofSeconds(5))
                    .recoverWithItem((Void) null)
                    .map(ignored -> cancelled.get());
        }
    }

    private void report(BatchedMigration migration, ServerRun run) {
        for (int i = 0; i < run.subBatchSeconds().size(); i++) {
            metrics.subBatch(
                    migration, run.subBatchSeconds().get(i), run.subBatchRows().get(i));
        }
        for (double seconds : run.jobSeconds()) {
            metrics.jobFinished(migration, migration.batchSize(), migration.subBatchSize(), true, seconds);
        }
    }
}
