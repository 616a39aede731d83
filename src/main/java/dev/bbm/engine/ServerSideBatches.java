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
        AtomicBoolean timedOut = new AtomicBoolean();
        return Uni.createFrom()
                .deferred(() -> {
                    Cancellable watch = watch(lease.processId(), timedOut);
                    return jobs.runBatches(lease.connection(), request)
                            .onTermination()
                            .invoke(watch::cancel);
                })
                .invoke(run -> report(migration, run))
                .map(run -> new Outcome(run, Optional.empty()))
                // An error of the work is the batch's failure; one that ends the session ends the
                // lease too, and goes up to the worker, which lets the migration go.
                .onFailure(e -> e instanceof PgException pg && !endsSession(pg.getSqlState()))
                .recoverWithItem(e -> new Outcome(
                        null,
                        Optional.of(
                                timedOut.get() && "57014".equals(((PgException) e).getSqlState())
                                        ? JobFailure.statementTimeout(config.statementTimeout())
                                        : JobFailure.of(e))));
    }

    /** Administrator shutdown or termination, and connection errors. */
    private static boolean endsSession(String sqlState) {
        return sqlState != null && (sqlState.startsWith("57P") || sqlState.startsWith("08"));
    }

    /** Looks at the worker's transaction several times per timeout, and cancels it when overdue. */
    private Cancellable watch(int processId, AtomicBoolean timedOut) {
        long timeoutMillis = config.statementTimeout().toMillis();
        Duration every = config.statementTimeout().dividedBy(10);
        return Multi.createFrom()
                .ticks()
                .every(every.compareTo(SHORTEST_WATCH) < 0 ? SHORTEST_WATCH : every)
                .onOverflow()
                .drop()
                .onItem()
                .transformToUniAndConcatenate(tick -> pool.preparedQuery(CANCEL_OVERDUE)
                        .execute(Tuple.of(processId, timeoutMillis))
                        .map(rows -> rows.iterator().hasNext()
                                && Boolean.TRUE.equals(rows.iterator().next().getBoolean("cancelled")))
                        .onFailure()
                        .recoverWithItem(false))
                .subscribe()
                .with(
                        cancelled -> {
                            if (cancelled) {
                                timedOut.set(true);
                                LOG.debugf(
                                        "Cancelled the sub-batch of process %d: older than %d ms",
                                        processId, timeoutMillis);
                            }
                        },
                        e -> LOG.debugf("Stopped watching process %d: %s", processId, e.getMessage()));
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
