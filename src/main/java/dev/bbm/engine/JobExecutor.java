package dev.bbm.engine;

import dev.bbm.db.JobRepository;
import dev.bbm.db.TableInfo;
import dev.bbm.db.TimeoutTransaction;
import dev.bbm.jobs.BatchedMigrationJob;
import dev.bbm.migration.BatchedJob;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobStatus;
import dev.bbm.migration.SubBatchTimings;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    public static final String WORKER = (System.getenv().getOrDefault("HOSTNAME", "localhost") + ":"
                    + ProcessHandle.current().pid())
            .replaceAll("[^A-Za-z0-9_.:-]", "_");

    /** The job's outcome: succeeded, or the failure it ended with. */
    public record Outcome(BatchedJob job, Optional<JobFailure> failure) {
        public boolean succeeded() {
            return failure.isEmpty();
        }
    }

    /**
     * Sub-batches sent at once on one connection when the migration does not pause between them:
     * enough to keep the server busy with no round trip between them, few enough that pausing the
     * migration or the end of a lease waits only for a group (tens of milliseconds at 1,000 keys).
     */
    static final int PIPELINE_DEPTH = 16;

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

    JobExecutor(DatabaseContext db) {
        this.pool = db.pool();
        this.metrics = db.metrics();
        this.jobs = db.jobs();
        this.config = db.settings();
    }

    /** Runs a pending or failed job (the caller holds the migration's lease). */
    public Uni<Outcome> run(BatchedMigration migration, BatchedJob job, BatchedMigrationJob jobClass, TableInfo table) {
        return jobs.start(pool, job, WORKER).flatMap(moved -> {
            if (!moved) {
                return Uni.createFrom().failure(new LostJobException(job.id()));
            }
            BatchedJob running = withStatus(job, JobStatus.RUNNING, job.attempts() + 1);
            SubBatchTimings log = new SubBatchTimings();
            return perform(
                    migration,
                    running,
                    table,
                    log,
                    subBatches(migration, running, jobClass, table, running.processedUntil(), log));
        });
    }

    /**
     * Runs a job created running ({@link JobRepository#startNext}), whose sub-batches end at
     * {@code subBatchEnds}.
     */
    public Uni<Outcome> runStarted(
            BatchedMigration migration,
            BatchedJob job,
            List<Long> subBatchEnds,
            BatchedMigrationJob jobClass,
            TableInfo table) {
        SubBatchTimings log = new SubBatchTimings();
        return perform(
                migration,
                job,
                table,
                log,
                Uni.createFrom().deferred(() -> groups(migration, job, jobClass, table, null, subBatchEnds, 0, log)));
    }

    /**
     * The job's work, then its success, or its failure recorded (unless another worker took it),
     * each with what its sub-batches did.
     */
    private Uni<Outcome> perform(
            BatchedMigration migration, BatchedJob running, TableInfo table, SubBatchTimings log, Uni<Long> work) {
        long started = System.nanoTime();
        return work.flatMap(cursor -> jobs.succeed(pool, running, log))
                .map(ok -> new Outcome(withStatus(running, JobStatus.SUCCEEDED, running.attempts()), Optional.empty()))
                .onFailure(e -> !(e instanceof LostJobException))
                .recoverWithUni(error -> fail(migration, running, JobFailure.of(error), table, log))
                .invoke(outcome -> metrics.jobFinished(
                        migration,
                        outcome.job().batchSize(),
                        outcome.job().subBatchSize(),
                        outcome.succeeded(),
                        (System.nanoTime() - started) / 1e9));
    }

    /** Records a failure for a job that never started its work (worker lost, table gone, class unknown). */
    public Uni<Outcome> fail(BatchedMigration migration, BatchedJob job, JobFailure failure, TableInfo table) {
        return fail(migration, job, failure, table, new SubBatchTimings());
    }

    private Uni<Outcome> fail(
            BatchedMigration migration, BatchedJob job, JobFailure failure, TableInfo table, SubBatchTimings log) {
        Integer exhaustedAt = failure.kind() == JobFailure.Kind.PERMANENT ? config.maxAttempts() : null;
        LOG.warnf(
                "Batch %d of migration %d (%s) failed on attempt %d: %s: %s",
                job.id(),
                migration.id(),
                migration.identifier(),
                job.attempts(),
                failure.exceptionClass(),
                failure.message());
        return jobs.fail(pool, job, failure.exceptionClass(), failure.message(), exhaustedAt, log)
                .flatMap(moved -> {
                    BatchedJob failed = withStatus(
                            job,
                            JobStatus.FAILED,
                            failure.kind() == JobFailure.Kind.PERMANENT
                                    ? Math.max(job.attempts(), config.maxAttempts())
                                    : job.attempts());
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
            int smaller = SubBatchSizing.reduced(
                    job.subBatchSize(),
                    migration.subBatchSize(),
                    config.subBatchReduceFactor(),
                    config.minimumSubBatchFraction());
            return jobs.reduceSubBatches(pool, job.id(), smaller).replaceWith(job);
        }
        // In a transaction of its own with bbm's timeouts; a split that cannot get its lock leaves
        // the job failed, to be split by the operator's retry.
        return pool.withTransaction(tx -> TimeoutTransaction.set(tx, config.statementTimeout(), config.lockTimeout())
                        .flatMap(ignored -> JobSplitter.split(tx, jobs, migration, job, table)))
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "Batch %d of migration %d was not split: %s", job.id(), migration.id(), e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWith(job);
    }

    /**
     * Runs the sub-batches from the cursor on: cuts what is left of the job into sub-batches with
     * one query, then runs them in groups, each group pipelined on one connection, pausing between
     * groups. With a pause, a group is one sub-batch; without, {@link #PIPELINE_DEPTH}.
     */
    private Uni<Long> subBatches(
            BatchedMigration migration,
            BatchedJob job,
            BatchedMigrationJob jobClass,
            TableInfo table,
            Long cursor,
            SubBatchTimings log) {
        if (cursor != null && cursor >= job.maxValue()) {
            return Uni.createFrom().item(cursor);
        }
        long from = cursor == null ? job.minValue() : cursor + 1;
        return TimeoutTransaction.run(
                        pool,
                        config.statementTimeout(),
                        config.lockTimeout(),
                        client -> PrimaryKeyBatchingStrategy.subBatchEnds(
                                client,
                                table.qualifiedName(),
                                migration.columnName(),
                                from,
                                job.maxValue(),
                                job.subBatchSize()))
                .flatMap(ends -> groups(migration, job, jobClass, table, cursor, ends, 0, log));
    }

    private Uni<Long> groups(
            BatchedMigration migration,
            BatchedJob job,
            BatchedMigrationJob jobClass,
            TableInfo table,
            Long cursor,
            List<Long> ends,
            int first,
            SubBatchTimings log) {
        int depth = job.pauseMs() > 0 ? 1 : PIPELINE_DEPTH;
        List<Long> group = ends.subList(first, Math.min(ends.size(), first + depth));
        return pool.withConnection(
                        connection -> pipeline(connection, migration, job, jobClass, table, cursor, group, log))
                .flatMap(next -> {
                    int done = first + group.size();
                    if (done >= ends.size()) {
                        return Uni.createFrom().item(next);
                    }
                    Uni<Void> pause = job.pauseMs() > 0
                            ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(job.pauseMs()))
                            : Uni.createFrom().voidItem();
                    return pause.flatMap(ignored -> groups(migration, job, jobClass, table, next, ends, done, log));
                });
    }

    /**
     * Sends a group of sub-batches at once, each a transaction of one round trip's worth of
     * statements: {@code BEGIN}, the job's progress with this transaction's timeouts
     * ({@link JobRepository#advance}), the job's change and {@code COMMIT}; the change and the
     * progress commit together or not at all. The server runs them one after the other without
     * waiting for bbm. The progress is fenced by the cursor the sub-batch before left, so when
     * one fails, those behind it in the pipeline abort before their change and nothing is skipped.
     *
     * <p>A sub-batch's time runs from the answer to the one before it (or the group's sending)
     * to the answer to its {@code COMMIT}: what it cost, {@code COMMIT} included. Answers read
     * together split their time unevenly between them; the group's total is exact.
     *
     * @return the cursor after the last sub-batch that committed, or the first failure
     */
    private Uni<Long> pipeline(
            SqlConnection connection,
            BatchedMigration migration,
            BatchedJob job,
            BatchedMigrationJob jobClass,
            TableInfo table,
            Long cursor,
            List<Long> ends,
            SubBatchTimings log) {
        long[] answered = new long[ends.size() + 1];
        answered[0] = System.nanoTime();
        String statementTimeout = config.statementTimeout().toMillis() + "ms";
        String lockTimeout = config.lockTimeout().toMillis() + "ms";
        List<Uni<SubBatchOutcome>> sent = new ArrayList<>(ends.size());
        var statement = jobClass.subBatchStatement(
                new BatchedMigrationJob.SubBatch(table, migration.columnName(), migration.jobArguments()));
        Long previous = cursor;
        for (int i = 0; i < ends.size(); i++) {
            long to = ends.get(i);
            int index = i + 1;
            long from = previous == null ? job.minValue() : previous + 1;
            Uni<Object> begin = connection.query("BEGIN").execute().map(Object.class::cast);
            Uni<Object> progress = jobs.advance(connection, job, previous, to, statementTimeout, lockTimeout)
                    .map(Object.class::cast);
            Tuple params = Tuple.from(statement.params(from, to));
            List<Uni<Integer>> changes = statement.statements().stream()
                    .map(sql -> connection.preparedQuery(sql).execute(params).map(rows -> rows.rowCount()))
                    .toList();
            Uni<Object> change = Uni.join().all(changes).andCollectFailures().map(counts ->
                    (Object) counts.stream().mapToInt(Integer::intValue).sum());
            Uni<Object> commit = connection
                    .query("COMMIT")
                    .execute()
                    .invoke(() -> answered[index] = System.nanoTime())
                    .map(Object.class::cast);
            // All are awaited, so the group ends with every statement answered; the first failure
            // among them is the sub-batch's (a COMMIT after a failure just rolls back).
            sent.add(Uni.join()
                    .all(List.of(begin, progress, change, commit))
                    .andCollectFailures()
                    .map(results -> new SubBatchOutcome(to, (Integer) results.get(2), null))
                    .onFailure()
                    .recoverWithItem(e -> new SubBatchOutcome(to, 0, firstCause(e))));
            previous = to;
        }
        return Uni.join().all(sent).andFailFast().flatMap(outcomes -> {
            Long reached = cursor;
            for (int i = 0; i < outcomes.size(); i++) {
                SubBatchOutcome outcome = outcomes.get(i);
                if (outcome.failure() != null) {
                    Throwable failure = outcome.failure() instanceof PgException pg
                                    && JobRepository.LOST_JOB.equals(pg.getSqlState())
                            ? new LostJobException(job.id())
                            : outcome.failure();
                    // Progress up to here is committed; the failed job resumes after it.
                    return Uni.createFrom().failure(failure);
                }
                double seconds = (answered[i + 1] - answered[i]) / 1e9;
                log.add(seconds, outcome.rowsAffected());
                metrics.subBatch(migration, seconds, outcome.rowsAffected());
                reached = outcome.to();
            }
            return Uni.createFrom().item(reached);
        });
    }

    private record SubBatchOutcome(long to, int rowsAffected, Throwable failure) {}

    /** The first failure, also when it is nested (a sub-batch of several statements). */
    private static Throwable firstCause(Throwable e) {
        return e instanceof CompositeException composite
                ? firstCause(composite.getCauses().get(0))
                : e;
    }

    private static BatchedJob withStatus(BatchedJob job, JobStatus status, int attempts) {
        return new BatchedJob(
                job.id(),
                job.migrationId(),
                job.minValue(),
                job.maxValue(),
                job.batchSize(),
                job.subBatchSize(),
                job.pauseMs(),
                status,
                attempts,
                job.processedUntil(),
                job.createdAt(),
                job.updatedAt(),
                job.startedAt(),
                job.finishedAt());
    }
}
