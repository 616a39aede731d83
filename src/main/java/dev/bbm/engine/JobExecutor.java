package dev.bbm.engine;

import dev.bbm.db.JobRepository;
import dev.bbm.db.TableInfo;
import dev.bbm.jobs.BatchedMigrationJob;
import dev.bbm.migration.BatchedJob;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs one job (GitLab's {@code BatchedMigrationWrapper}): marks it running, walks its range in
 * sub-batches, each in one transaction with the progress it records, pauses between them, and
 * records success or failure with its transition log. A failed job is prepared for its retry
 * (smaller sub-batches after a timeout, split in halves once attempts are exhausted).
 */
public final class JobExecutor {

    private static final Logger LOG = Logger.getLogger(JobExecutor.class);

    /** Who runs a batch, recorded in its metrics: host and process, so operators can tell replicas apart. */
    static final String WORKER = (System.getenv().getOrDefault("HOSTNAME", "localhost") + ":" + ProcessHandle.current().pid())
            .replaceAll("[^A-Za-z0-9_.:-]", "_");

    /** The job's outcome: succeeded, or the failure it ended with. */
    public record Outcome(BatchedJob job, Optional<JobFailure> failure) {
        public boolean succeeded() {
            return failure.isEmpty();
        }
    }

    /** Another worker took the job over: this one stops without touching it. */
    static final class LostJobException extends RuntimeException {
        LostJobException(long jobId) {
            super("Job " + jobId + " was taken over by another worker", null, false, false);
        }
    }

    private final Pool pool;
    private final JobRepository jobs;
    private final EngineConfig config;
    private final EngineMetrics metrics;

    public JobExecutor(Pool pool, JobRepository jobs, EngineConfig config, EngineMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
        this.jobs = jobs;
        this.config = config;
    }

    /** Runs a pending or failed job (the caller holds the migration's lease). */
    public Uni<Outcome> run(BatchedMigration migration, BatchedJob job, BatchedMigrationJob jobClass, TableInfo table) {
        return jobs.transition(pool, job, JobStatus.RUNNING, "attempts = attempts + 1, started_at = now(), finished_at = NULL,"
                        + " metrics = metrics || jsonb_build_object('worker', '" + WORKER + "')", null, null)
                .flatMap(moved -> {
                    if (!moved) {
                        return Uni.createFrom().failure(new LostJobException(job.id()));
                    }
                    BatchedJob running = withStatus(job, JobStatus.RUNNING, job.attempts() + 1);
                    long started = System.nanoTime();
                    return subBatches(migration, running, jobClass, table, running.processedUntil())
                            .flatMap(cursor -> jobs.transition(pool, running, JobStatus.SUCCEEDED, "finished_at = now()", null, null))
                            .map(ok -> new Outcome(withStatus(running, JobStatus.SUCCEEDED, running.attempts()), Optional.empty()))
                            .onFailure(e -> !(e instanceof LostJobException))
                            .recoverWithUni(error -> fail(migration, running, JobFailure.of(error), table))
                            .invoke(outcome -> metrics.jobFinished(migration, outcome.job(), outcome.succeeded(),
                                    (System.nanoTime() - started) / 1e9));
                });
    }

    /** Records a failure for a job that never started its work (worker lost, table gone, class unknown). */
    public Uni<Outcome> fail(BatchedMigration migration, BatchedJob job, JobFailure failure, TableInfo table) {
        String attempts = failure.kind() == JobFailure.Kind.PERMANENT ? ", attempts = " + Math.max(job.attempts(), config.maxAttempts()) : "";
        LOG.warnf("Batch %d of migration %d (%s) failed on attempt %d: %s: %s", job.id(), migration.id(),
                migration.identifier(), job.attempts(), failure.exceptionClass(), failure.message());
        return jobs.transition(pool, job, JobStatus.FAILED, "finished_at = now()" + attempts,
                        failure.exceptionClass(), failure.message())
                .flatMap(moved -> {
                    BatchedJob failed = withStatus(job, JobStatus.FAILED,
                            failure.kind() == JobFailure.Kind.PERMANENT ? Math.max(job.attempts(), config.maxAttempts()) : job.attempts());
                    if (!moved || failure.kind() != JobFailure.Kind.TIMEOUT) {
                        return Uni.createFrom().item(failed);
                    }
                    return afterTimeout(migration, failed, table);
                })
                .map(failed -> new Outcome(failed, Optional.of(failure)));
    }

    /**
     * GitLab's answer to a timeout: while attempts remain, retry with smaller sub-batches; once
     * they are exhausted, split what is left of the batch in two halves, each with fresh attempts.
     */
    private Uni<BatchedJob> afterTimeout(BatchedMigration migration, BatchedJob job, TableInfo table) {
        if (job.attempts() < config.maxAttempts()) {
            int smaller = SubBatchSizing.reduced(job.subBatchSize(), migration.subBatchSize(), config.subBatchReduceFactor(),
                    config.minimumSubBatchFraction());
            return pool.preparedQuery("UPDATE batched_background_migration_jobs SET sub_batch_size = $2 WHERE id = $1")
                    .execute(Tuple.of(job.id(), smaller)).replaceWith(job);
        }
        return JobSplitter.split(pool, jobs, migration, job, table).replaceWith(job);
    }

    /** Runs the sub-batches from the cursor on, one after the other, pausing between them. */
    private Uni<Long> subBatches(BatchedMigration migration, BatchedJob job, BatchedMigrationJob jobClass, TableInfo table,
                                 Long cursor) {
        long from = cursor == null ? job.minValue() : cursor + 1;
        if (from > job.maxValue()) {
            return Uni.createFrom().item(cursor);
        }
        return pool.withConnection(connection -> subBatch(connection, migration, job, jobClass, table, cursor, from))
                .flatMap(next -> {
                    if (next >= job.maxValue()) {
                        return Uni.createFrom().item(next);
                    }
                    Uni<Void> pause = job.pauseMs() > 0
                            ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(job.pauseMs()))
                            : Uni.createFrom().voidItem();
                    return pause.flatMap(ignored -> subBatches(migration, job, jobClass, table, next));
                });
    }

    /**
     * One sub-batch: the change and its progress in one transaction; returns the new cursor.
     *
     * <p>Three round trips: BEGIN, the timeouts and the bounds query are sent at once (the client
     * pipelines them on the connection, the server runs them in order); then the job's change;
     * then the progress update and COMMIT together. The progress update fails when another worker
     * took the job over, which aborts the transaction, so the COMMIT sent with it rolls back.
     */
    private Uni<Long> subBatch(SqlConnection tx, BatchedMigration migration, BatchedJob job, BatchedMigrationJob jobClass,
                               TableInfo table, Long cursor, long from) {
        long started = System.nanoTime();
        Uni<?> begin = tx.query("BEGIN").execute();
        Uni<?> timeouts = tx.preparedQuery("SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)")
                .execute(Tuple.of(config.statementTimeout().toMillis() + "ms", config.lockTimeout().toMillis() + "ms"));
        Uni<Optional<BatchRange>> bounds = PrimaryKeyBatchingStrategy.next(tx, table.qualifiedName(), migration.columnName(),
                from, job.maxValue(), job.subBatchSize());
        return Uni.combine().all().unis(begin, timeouts, bounds).asTuple().map(io.smallrye.mutiny.tuples.Tuple3::getItem3)
                .flatMap(range -> {
                    // The last sub-batch reaches to the job's end, so the sub-batches cover it exactly.
                    long to = range.isEmpty() || range.get().keys() < job.subBatchSize() ? job.maxValue() : range.get().max();
                    Uni<Integer> change = range.isEmpty() ? Uni.createFrom().item(0)
                            : jobClass.performSubBatch(tx, new BatchedMigrationJob.SubBatch(table, migration.columnName(),
                                    migration.jobArguments(), from, to));
                    return change.flatMap(rows -> {
                        double seconds = (System.nanoTime() - started) / 1e9;
                        Uni<?> record = jobs.recordSubBatchOrAbort(tx, job, cursor, to, rows, seconds)
                                .onFailure(e -> e instanceof PgException pg && JobRepository.LOST_JOB.equals(pg.getSqlState()))
                                .transform(e -> new LostJobException(job.id()));
                        Uni<?> commit = tx.query("COMMIT").execute();
                        return Uni.combine().all().unis(record, commit).asTuple().map(done -> {
                            metrics.subBatch(migration, seconds, rows);
                            return to;
                        });
                    });
                })
                // Whatever failed, leave no transaction open on the connection going back to the pool.
                .onFailure().call(() -> tx.query("ROLLBACK").execute().onFailure().recoverWithNull());
    }

    private static BatchedJob withStatus(BatchedJob job, JobStatus status, int attempts) {
        return new BatchedJob(job.id(), job.migrationId(), job.minValue(), job.maxValue(), job.batchSize(),
                job.subBatchSize(), job.pauseMs(), status, attempts, job.processedUntil(), job.createdAt(),
                job.updatedAt(), job.startedAt(), job.finishedAt());
    }
}
