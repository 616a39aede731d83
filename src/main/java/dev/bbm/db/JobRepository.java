package dev.bbm.db;

import dev.bbm.migration.BatchedJob;
import dev.bbm.migration.JobDetail;
import dev.bbm.migration.JobPage;
import dev.bbm.migration.JobStatus;
import dev.bbm.migration.JobTiming;
import dev.bbm.migration.JobTransition;
import dev.bbm.migration.JobTransitionLog;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.migration.SubBatchTimings;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL over {@code batched_background_migration_jobs} and their transition logs. */
@ApplicationScoped
public class JobRepository {

    /** GitLab's column sizes for the transition logs. */
    public static final int EXCEPTION_CLASS_MAX = 100;

    public static final int EXCEPTION_MESSAGE_MAX = 1000;

    private static final int PENDING = JobStatus.PENDING.code();
    private static final int RUNNING = JobStatus.RUNNING.code();
    private static final int FAILED = JobStatus.FAILED.code();
    private static final JobStatus SUCCEEDED = JobStatus.SUCCEEDED;

    /** The migration statuses under which new jobs are created. */
    private static final Short[] RUNNING_MIGRATIONS = {MigrationStatus.ACTIVE.code(), MigrationStatus.FINALIZING.code()
    };

    private static final String COLUMNS = """
            id, batched_background_migration_id, min_value, max_value, batch_size, sub_batch_size, pause_ms,
            status, attempts, processed_until, created_at, updated_at, started_at, finished_at
            """;
    // The queries bench/sql/job_queries.sql times (BenchQueriesTest fails when it drifts from them).

    static final String FURTHEST = "SELECT " + COLUMNS + " FROM batched_background_migration_jobs"
            + " WHERE batched_background_migration_id = $1 ORDER BY max_value DESC LIMIT 1";

    static final String NEXT_RETRIABLE = "SELECT " + COLUMNS + " FROM batched_background_migration_jobs"
            + " WHERE batched_background_migration_id = $1"
            + " AND (status IN (%d, %d) OR (status = %d AND attempts < $2))".formatted(PENDING, RUNNING, FAILED)
            + " ORDER BY status = %d, id LIMIT 1".formatted(FAILED);

    static final String TALLY = """
                SELECT count(*) FILTER (WHERE j.created_at >= m.started_at) AS since_start,
                       count(*) FILTER (WHERE j.created_at >= m.started_at AND j.status = %3$d) AS failed_since_start,
                       count(*) FILTER (WHERE j.status IN (%1$d, %2$d) OR (j.status = %3$d AND j.attempts < $2)) AS unfinished,
                       count(*) FILTER (WHERE j.status = %3$d AND j.attempts >= $2) AS exhausted
                FROM batched_background_migrations m
                JOIN batched_background_migration_jobs j ON j.batched_background_migration_id = m.id
                WHERE m.id = $1
                """.formatted(PENDING, RUNNING, FAILED);

    private static final String PAGE_WHERE =
            " WHERE batched_background_migration_id = $1 AND ($2::int IS NULL OR status = $2)";

    static final String PAGE_COUNT = "SELECT count(*) FROM batched_background_migration_jobs" + PAGE_WHERE;

    static final String PAGE_ROWS = "SELECT " + COLUMNS + ", metrics::text AS metrics_json"
            + " FROM batched_background_migration_jobs" + PAGE_WHERE
            // In the order of the (migration, id) index, not the primary key's.
            + " ORDER BY batched_background_migration_id, id LIMIT $3 OFFSET $4";

    /**
     * The job reaching furthest: the next batch starts after its {@code max_value}. (Not the
     * newest job: the second half of a split batch is newer but lies before it.)
     */
    public Uni<Optional<BatchedJob>> furthest(SqlClient client, long migrationId) {
        return client.preparedQuery(FURTHEST).execute(Tuple.of(migrationId)).map(JobRepository::first);
    }

    /**
     * The first job to run again: one left running or pending (its worker is gone, since the
     * caller holds the migration's lock), else a failed one with attempts left.
     */
    public Uni<Optional<BatchedJob>> nextRetriable(SqlClient client, long migrationId, int maxAttempts) {
        return client.preparedQuery(NEXT_RETRIABLE)
                .execute(Tuple.of(migrationId, maxAttempts))
                .map(JobRepository::first);
    }

    public Uni<BatchedJob> insert(
            SqlClient client, long migrationId, long min, long max, int batchSize, int subBatchSize, int pauseMs) {
        return client.preparedQuery("INSERT INTO batched_background_migration_jobs (batched_background_migration_id,"
                        + " min_value, max_value, batch_size, sub_batch_size, pause_ms) VALUES ($1, $2, $3, $4, $5, $6)"
                        + " RETURNING " + COLUMNS)
                .execute(Tuple.tuple(List.of(migrationId, min, max, batchSize, subBatchSize, pauseMs)))
                .map(rows -> from(rows.iterator().next()));
    }

    /** A job created running, and the last key of each of its sub-batches. */
    public record StartedJob(BatchedJob job, List<Long> cuts) {}

    /**
     * GitLab's {@code PrimaryKeyBatchingStrategy} and the job's start in one statement: takes the
     * next {@code batchSize} keys from {@code start} on (a keyset walk clamped to {@code last}),
     * inserts the job for them already running (first attempt, with its pending → running
     * transition log) and returns it with the keys its sub-batches end at. Its {@code started_at}
     * is taken once the keys are cut: cutting them is choosing the batch. The job reaches to
     * {@code last} when the keys run out, so the jobs cover the migration's range exactly (even a
     * batch of no keys, which still covers a row inserted there since).
     *
     * <p>Job creation is serialised on the migration's row, and re-checked in the snapshot taken
     * once that lock is held: a first statement locks the row ({@code FOR NO KEY UPDATE}, which an
     * operator's status change also takes), then the insert, in a statement of its own, happens
     * only while the migration runs (active or finalizing) and no job reaches {@code start} yet.
     * So a pause or {@code mark_finished} that landed meanwhile is never followed by a new job,
     * and a worker that lost its lease (its lock session cut) cannot create a job over the range
     * the worker that took over created. Both statements are sent together: the caller runs them
     * in one transaction ({@code TimeoutTransaction}), which also holds the row lock to its end.
     *
     * @param client a connection in a transaction
     * @param table  a quoted, qualified table name
     * @return the job, or empty when the migration no longer runs or its next batch exists already
     */
    public Uni<Optional<StartedJob>> startNext(
            SqlClient client,
            long migrationId,
            String table,
            String column,
            long start,
            long last,
            int batchSize,
            int subBatchSize,
            int pauseMs,
            String worker) {
        String sql = "WITH RECURSIVE " + KeysetSql.hops(table, column, "$2", "$3", "$4", "$5")
                + """
                , running AS (
                    SELECT id FROM batched_background_migrations WHERE id = $1 AND status = ANY($8)
                      AND NOT EXISTS (SELECT 1 FROM batched_background_migration_jobs
                                      WHERE batched_background_migration_id = $1 AND max_value >= $2)
                ), counted AS (
                    SELECT max(total) AS keys, (SELECT hi FROM hops ORDER BY total DESC LIMIT 1) AS highest FROM hops
                ), job AS (
                    INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,
                        batch_size, sub_batch_size, pause_ms, status, attempts, started_at, metrics)
                    SELECT $1, $2, CASE WHEN keys < $4 THEN $3 ELSE highest END, keys, $5, $6, %2$d, 1, clock_timestamp(),
                           jsonb_build_object('worker', $7::text)
                    FROM counted, running
                    RETURNING %1$s
                ), started AS (
                    SELECT id, %3$d::smallint AS previous_status, status AS next_status, NULL::text AS exception_class,
                           NULL::text AS exception_message FROM job
                ), logged AS (%4$s)
                SELECT job.*, ARRAY(SELECT hi FROM hops WHERE total > 0 ORDER BY total) AS cuts FROM job
                """.formatted(COLUMNS, RUNNING, PENDING, logTransitions("started"));
        Uni<Object> locked = client.preparedQuery(
                        "SELECT id FROM batched_background_migrations WHERE id = $1 FOR NO KEY UPDATE")
                .execute(Tuple.of(migrationId))
                .map(Object.class::cast);
        Uni<Object> inserted = client.preparedQuery(sql)
                .execute(Tuple.tuple(List.of(
                        migrationId, start, last, batchSize, subBatchSize, pauseMs, worker, RUNNING_MIGRATIONS)))
                .map(Object.class::cast);
        // Sent together, so that they are pipelined in order behind the caller's BEGIN.
        return Uni.join()
                .all(locked, inserted)
                .andCollectFailures()
                .onFailure(CompositeException.class)
                .transform(e -> ((CompositeException) e).getCauses().get(0))
                .map(results -> (RowSet<Row>) results.get(1))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new StartedJob(from(row), List.of(row.getArrayOfLongs("cuts"))));
                });
    }

    /** What the migration asks of one call of {@code bbm_run_batches}. */
    public record ServerRunRequest(
            long migrationId,
            String table,
            String column,
            List<String> change,
            List<String> constants,
            long start,
            long last,
            int batchSize,
            int subBatchSize,
            int pauseMs,
            boolean needsSwitch,
            String worker,
            String lockTimeout,
            int maxJobs,
            int maxMillis) {}

    /**
     * What one call of {@code bbm_run_batches} did: the batches that succeeded, the last of them
     * and the key it reached, why it returned, and every sub-batch's time (its {@code COMMIT}
     * included) and rows, and every batch's time.
     */
    public record ServerRun(
            int jobs,
            Long lastJob,
            Long reached,
            String stopped,
            List<Double> subBatchSeconds,
            List<Integer> subBatchRows,
            List<Double> jobSeconds) {

        /** The range ended: the migration has no batch left to create. */
        public boolean reachedEnd() {
            return "end".equals(stopped);
        }
    }

    /**
     * Runs the migration's next batches inside the server ({@code V6__batches_run_inside_the_server.sql}),
     * on {@code connection}, which must not be in a transaction: the procedure commits each
     * sub-batch itself. Fails with the first error, after which what committed stays.
     */
    public Uni<ServerRun> runBatches(SqlClient connection, ServerRunRequest r) {
        return connection
                .preparedQuery("CALL bbm_run_batches($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
                .execute(Tuple.tuple(List.of(
                        r.migrationId(),
                        KeysetSql.cuts(r.table(), r.column()),
                        r.change().toArray(String[]::new),
                        r.constants().toArray(String[]::new),
                        r.start(),
                        r.last(),
                        r.batchSize(),
                        r.subBatchSize(),
                        r.pauseMs(),
                        r.needsSwitch(),
                        r.worker(),
                        r.lockTimeout(),
                        r.maxJobs(),
                        r.maxMillis())))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new ServerRun(
                            row.getInteger("jobs"),
                            row.getLong("last_job"),
                            row.getLong("reached"),
                            row.getString("stopped"),
                            List.of(row.getArrayOfDoubles("sub_batch_seconds")),
                            List.of(row.getArrayOfIntegers("sub_batch_rows")),
                            List.of(row.getArrayOfDoubles("job_seconds")));
                });
    }

    /** A worker starts a pending or failed job: a new attempt, recorded with the worker's name. */
    public Uni<Boolean> start(SqlClient client, BatchedJob job, String worker) {
        return transition(
                client,
                job,
                JobTransition.START,
                "attempts = attempts + 1, started_at = now(), finished_at = NULL, metrics = metrics || jsonb_build_object('worker', $7::text)",
                null,
                null,
                List.of(worker));
    }

    /** The job's last sub-batch committed; what its sub-batches did goes into its metrics. */
    public Uni<Boolean> succeed(SqlClient client, BatchedJob job, SubBatchTimings timings) {
        return transition(
                client,
                job,
                JobTransition.SUCCEED,
                "finished_at = now()" + metricsUpdate(timings, 7),
                null,
                null,
                metricsParams(timings));
    }

    /**
     * The job failed with {@code exceptionClass}: {@code message}. A permanent failure uses up its
     * attempts ({@code attempts} at least {@code exhaustedAt}); otherwise it is retried.
     *
     * @param exhaustedAt null for a failure that may be retried
     */
    public Uni<Boolean> fail(
            SqlClient client,
            BatchedJob job,
            String exceptionClass,
            String message,
            Integer exhaustedAt,
            SubBatchTimings timings) {
        List<Object> params = new ArrayList<>(List.of(exhaustedAt == null ? 0 : exhaustedAt));
        params.addAll(metricsParams(timings));
        return transition(
                client,
                job,
                JobTransition.FAIL,
                "finished_at = now(), attempts = greatest(attempts, $7::int)" + metricsUpdate(timings, 8),
                exceptionClass,
                message,
                params);
    }

    /**
     * Every job of the migration not yet succeeded is recorded as succeeded without running, each
     * with a transition log carrying {@code note} (who did it and when).
     */
    public Uni<Void> markFinished(SqlClient client, long migrationId, String note) {
        String sql = """
                WITH marked AS (
                    UPDATE batched_background_migration_jobs j SET status = %1$d, finished_at = clock_timestamp(), updated_at = now()
                    FROM batched_background_migration_jobs old
                    WHERE j.id = old.id AND j.batched_background_migration_id = $1 AND j.status = ANY($3)
                    RETURNING j.id, old.status AS previous_status, j.status AS next_status, 'MarkedFinished'::text AS exception_class,
                              $2::text AS exception_message
                ) %2$s
                """.formatted(JobTransition.MARK_FINISHED.to().code(), logTransitions("marked"));
        return client.preparedQuery(sql)
                .execute(Tuple.of(
                        migrationId, truncate(note, EXCEPTION_MESSAGE_MAX), codes(JobTransition.MARK_FINISHED.from())))
                .replaceWithVoid();
    }

    /** Failed jobs get fresh attempts (an operator's retry or finalize). */
    public Uni<Void> resetFailedAttempts(SqlClient client, long migrationId) {
        return client.preparedQuery("UPDATE batched_background_migration_jobs SET attempts = 0, updated_at = now()"
                        + " WHERE batched_background_migration_id = $1 AND status = " + JobStatus.FAILED.code())
                .execute(Tuple.of(migrationId))
                .replaceWithVoid();
    }

    /** After a timeout the job's next attempt takes smaller sub-batches. */
    public Uni<Void> reduceSubBatches(SqlClient client, long jobId, int subBatchSize) {
        return client.preparedQuery("UPDATE batched_background_migration_jobs SET sub_batch_size = $2 WHERE id = $1")
                .execute(Tuple.of(jobId, subBatchSize))
                .replaceWithVoid();
    }

    /** The migration's failed jobs whose last failure was one of {@code exceptionClasses}. */
    public Uni<List<BatchedJob>> failedWith(SqlClient client, long migrationId, Set<String> exceptionClasses) {
        return client.preparedQuery("""
                        SELECT j.* FROM batched_background_migration_jobs j
                        WHERE j.batched_background_migration_id = $1 AND j.status = %d
                          AND (SELECT l.exception_class FROM batched_background_migration_job_transition_logs l
                               WHERE l.batched_background_migration_job_id = j.id ORDER BY l.id DESC LIMIT 1) = ANY($2)
                        """.formatted(FAILED))
                .execute(Tuple.of(migrationId, exceptionClasses.toArray(String[]::new)))
                .map(JobRepository::all);
    }

    /**
     * Moves a job along {@code transition} and logs it, guarded by the status and attempts the
     * caller saw: a worker that lost the job to another changes nothing.
     *
     * @param set    more SET items, whose parameters start at {@code $7}
     * @return whether the job was in the expected state
     */
    private Uni<Boolean> transition(
            SqlClient client,
            BatchedJob job,
            JobTransition transition,
            String set,
            String exceptionClass,
            String exceptionMessage,
            List<Object> setParams) {
        if (!transition.allowedFrom(job.status())) {
            throw new IllegalStateException("Job " + job.id() + " cannot " + transition + " from " + job.status());
        }
        String sql = """
                WITH moved AS (
                    UPDATE batched_background_migration_jobs SET status = $2, updated_at = now(), %s
                    WHERE id = $1 AND status = $3 AND attempts = $4
                    RETURNING id, $3::smallint AS previous_status, status AS next_status, $5::text AS exception_class,
                              $6::text AS exception_message
                ) %s RETURNING batched_background_migration_job_id
                """.formatted(set, logTransitions("moved"));
        Tuple params = Tuple.of(job.id(), transition.to().code(), job.status().code(), job.attempts())
                .addString(truncate(exceptionClass, EXCEPTION_CLASS_MAX))
                .addString(truncate(exceptionMessage, EXCEPTION_MESSAGE_MAX));
        setParams.forEach(params::addValue);
        return client.preparedQuery(sql).execute(params).map(rows -> rows.rowCount() == 1);
    }

    /**
     * The one statement that writes transition logs: from a CTE named {@code moved} that returns
     * {@code id, previous_status, next_status, exception_class, exception_message}.
     */
    private static String logTransitions(String moved) {
        return """
                INSERT INTO batched_background_migration_job_transition_logs
                    (batched_background_migration_job_id, previous_status, next_status, exception_class, exception_message)
                SELECT id, previous_status, next_status, exception_class, exception_message FROM %s""".formatted(moved);
    }

    /** The SET item appending the sub-batch timings and rows to the job's metrics (parameters {@code $n}, {@code $n+1}). */
    private static String metricsUpdate(SubBatchTimings timings, int firstParameter) {
        if (timings.isEmpty()) {
            return "";
        }
        return (", metrics = metrics || jsonb_build_object("
                        + "'timings', jsonb_build_object('sub_batch', coalesce(metrics #> '{timings,sub_batch}', '[]') || $%d::text::jsonb), "
                        + "'affected_rows', jsonb_build_object('sub_batch', coalesce(metrics #> '{affected_rows,sub_batch}', '[]') || $%d::text::jsonb))")
                .formatted(firstParameter, firstParameter + 1);
    }

    private static List<Object> metricsParams(SubBatchTimings timings) {
        return timings.isEmpty()
                ? List.of()
                : List.of(timings.seconds().toString(), timings.rows().toString());
    }

    private static Short[] codes(Set<JobStatus> statuses) {
        return statuses.stream().map(JobStatus::code).toArray(Short[]::new);
    }

    /** The SQLSTATE {@link #advance} raises when the job is no longer this worker's. */
    public static final String LOST_JOB = "22012";

    /**
     * The first statement of a sub-batch's transaction: moves the job's cursor from
     * {@code previousCursor} to {@code cursor} and sets the transaction's timeouts. The change
     * follows in the same transaction, so that both commit or neither.
     *
     * <p>Fenced by status, attempts and the previous cursor: when another worker took the job over,
     * or the sub-batch before it in a pipeline did not commit, it matches no row and fails with
     * {@link #LOST_JOB} (a division by zero), which aborts the transaction before the change runs.
     */
    public Uni<Void> advance(
            SqlClient client,
            BatchedJob job,
            Long previousCursor,
            long cursor,
            String statementTimeout,
            String lockTimeout) {
        String sql = """
                WITH advanced AS (
                    UPDATE batched_background_migration_jobs SET processed_until = $4, updated_at = now()
                    WHERE id = $1 AND status = %d AND attempts = $2 AND processed_until IS NOT DISTINCT FROM $3
                    RETURNING 1)
                SELECT set_config('statement_timeout', $5, true), set_config('lock_timeout', $6, true),
                       1 / (SELECT count(*) FROM advanced) AS fence
                """.formatted(RUNNING);
        return client.preparedQuery(sql)
                .execute(Tuple.of(job.id(), job.attempts())
                        .addLong(previousCursor)
                        .addLong(cursor)
                        .addString(statementTimeout)
                        .addString(lockTimeout))
                .replaceWithVoid();
    }

    /**
     * Halves a failed job's remaining range: it keeps [min, midpoint], a new pending job takes the
     * rest. Only while the job is still failed: one marked finished meanwhile keeps its range.
     */
    public Uni<Void> split(SqlClient client, BatchedJob job, long midpoint, int secondKeys) {
        String sql = """
                WITH first AS (
                    UPDATE batched_background_migration_jobs
                    SET max_value = $3::bigint, batch_size = $6::int, sub_batch_size = LEAST(sub_batch_size, $6::int), attempts = 0,
                        updated_at = now()
                    WHERE id = $1 AND status = $9
                    RETURNING id
                )
                INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,
                    batch_size, sub_batch_size, pause_ms)
                SELECT $2::bigint, $3::bigint + 1, $4::bigint, $5::int, LEAST($7::int, $5::int), $8::int FROM first
                """;
        // Like GitLab, the first half keeps what is left of the batch size: the keys it has done too.
        return client.preparedQuery(sql)
                .execute(Tuple.tuple(List.of(
                        job.id(),
                        job.migrationId(),
                        midpoint,
                        job.maxValue(),
                        Math.max(1, secondKeys),
                        Math.max(1, job.batchSize() - secondKeys),
                        job.subBatchSize(),
                        job.pauseMs(),
                        JobStatus.FAILED.code())))
                .replaceWithVoid();
    }

    /** Jobs pending or running whose row has not changed for {@code seconds}: their worker is hung. */
    public Uni<List<BatchedJob>> stuck(SqlClient client, long seconds) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM batched_background_migration_jobs"
                        + " WHERE status IN (%d, %d) AND updated_at < now() - $1 * interval '1 second'"
                                .formatted(PENDING, RUNNING))
                .execute(Tuple.of(seconds))
                .map(JobRepository::all);
    }

    /**
     * Counts for GitLab's stop rules: jobs created since the migration started, failed ones among
     * them, and over all jobs, those still to do and those failed for good.
     */
    public record Tally(long sinceStart, long failedSinceStart, long unfinished, long exhausted) {}

    public Uni<Tally> tally(SqlClient client, long migrationId, int maxAttempts) {
        String sql = TALLY;
        return client.preparedQuery(sql)
                .execute(Tuple.of(migrationId, maxAttempts))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Tally(
                            row.getLong("since_start"),
                            row.getLong("failed_since_start"),
                            row.getLong("unfinished"),
                            row.getLong("exhausted"));
                });
    }

    /** A page of a migration's jobs in id order, optionally of one status, each with its logs. */
    public Uni<JobPage> page(SqlClient client, long migrationId, JobStatus status, int page, int perPage) {
        Tuple filter = Tuple.of(migrationId, status == null ? null : (int) status.code());
        return client.preparedQuery(PAGE_COUNT)
                .execute(filter)
                .map(rows -> rows.iterator().next().getLong(0))
                .flatMap(total -> client.preparedQuery(PAGE_ROWS)
                        .execute(Tuple.of(migrationId, filter.getValue(1), perPage, (long) (page - 1) * perPage))
                        .flatMap(rows -> {
                            List<BatchedJob> jobs = new ArrayList<>();
                            List<String> metrics = new ArrayList<>();
                            rows.forEach(row -> {
                                jobs.add(from(row));
                                metrics.add(row.getString("metrics_json"));
                            });
                            return logs(
                                            client,
                                            jobs.stream().map(BatchedJob::id).toArray(Long[]::new))
                                    .map(logs -> {
                                        List<JobDetail> details = new ArrayList<>();
                                        for (int i = 0; i < jobs.size(); i++) {
                                            long id = jobs.get(i).id();
                                            details.add(new JobDetail(
                                                    jobs.get(i),
                                                    metrics.get(i),
                                                    logs.stream()
                                                            .filter(l -> l.jobId() == id)
                                                            .toList()));
                                        }
                                        return new JobPage(details, total);
                                    });
                        }));
    }

    private Uni<List<JobTransitionLog>> logs(SqlClient client, Long[] jobIds) {
        if (jobIds.length == 0) {
            return Uni.createFrom().item(List.of());
        }
        return client.preparedQuery("SELECT batched_background_migration_job_id, previous_status, next_status,"
                        + " exception_class, exception_message, created_at FROM batched_background_migration_job_transition_logs"
                        + " WHERE batched_background_migration_job_id = ANY($1) ORDER BY id")
                .execute(Tuple.of(jobIds))
                .map(rows -> {
                    List<JobTransitionLog> logs = new ArrayList<>();
                    rows.forEach(row -> logs.add(new JobTransitionLog(
                            row.getLong(0),
                            JobStatus.fromCode(row.getInteger(1)),
                            JobStatus.fromCode(row.getInteger(2)),
                            row.getString(3),
                            row.getString(4),
                            row.getOffsetDateTime(5))));
                    return logs;
                });
    }

    /** One job of a migration with its metrics and logs; empty when the migration has no such job. */
    public Uni<Optional<JobDetail>> detail(SqlClient client, long migrationId, long jobId) {
        return client.preparedQuery(
                        "SELECT " + COLUMNS + ", metrics::text AS metrics_json"
                                + " FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1 AND id = $2")
                .execute(Tuple.of(migrationId, jobId))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(Optional.<JobDetail>empty());
                    }
                    Row row = rows.iterator().next();
                    BatchedJob job = from(row);
                    String metrics = row.getString("metrics_json");
                    return logs(client, new Long[] {jobId}).map(logs -> Optional.of(new JobDetail(job, metrics, logs)));
                });
    }

    static final String TIMINGS = """
            SELECT id, status, batch_size, started_at, finished_at,
                   extract(epoch FROM finished_at - started_at)::float8 AS seconds,
                   (SELECT coalesce(sum(r::bigint), 0) FROM jsonb_array_elements_text(metrics #> '{affected_rows,sub_batch}') r) AS affected_rows
            FROM batched_background_migration_jobs
            WHERE batched_background_migration_id = $1 AND finished_at IS NOT NULL AND started_at IS NOT NULL
            ORDER BY id DESC LIMIT $2
            """;

    /** The newest {@code limit} jobs that ran to an end (succeeded or failed), oldest first. */
    public Uni<List<JobTiming>> timings(SqlClient client, long migrationId, int limit) {
        return client.preparedQuery(TIMINGS)
                .execute(Tuple.of(migrationId, limit))
                .map(rows -> {
                    List<JobTiming> timings = new ArrayList<>();
                    rows.forEach(row -> timings.add(
                            0,
                            new JobTiming(
                                    row.getLong("id"),
                                    JobStatus.fromCode(row.getInteger("status")),
                                    row.getInteger("batch_size"),
                                    row.getOffsetDateTime("started_at"),
                                    row.getOffsetDateTime("finished_at"),
                                    Math.max(0, row.getDouble("seconds")),
                                    row.getLong("affected_rows"))));
                    return timings;
                });
    }

    /** Seconds each of the newest {@code limit} succeeded jobs took, newest first. */
    public Uni<List<Double>> recentDurations(SqlClient client, long migrationId, int limit) {
        return client.preparedQuery("SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds"
                        + " FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1 AND status = "
                        + SUCCEEDED.code()
                        + " ORDER BY id DESC LIMIT $2")
                .execute(Tuple.of(migrationId, limit))
                .map(rows -> {
                    List<Double> seconds = new ArrayList<>();
                    rows.forEach(row -> seconds.add(row.getDouble("seconds")));
                    return seconds;
                });
    }

    static String truncate(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        return value.substring(0, max - 1) + "…";
    }

    private static Optional<BatchedJob> first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? Optional.of(from(rows.iterator().next())) : Optional.empty();
    }

    private static List<BatchedJob> all(RowSet<Row> rows) {
        List<BatchedJob> jobs = new ArrayList<>();
        rows.forEach(row -> jobs.add(from(row)));
        return jobs;
    }

    public static BatchedJob from(Row row) {
        return new BatchedJob(
                row.getLong("id"),
                row.getLong("batched_background_migration_id"),
                row.getLong("min_value"),
                row.getLong("max_value"),
                row.getInteger("batch_size"),
                row.getInteger("sub_batch_size"),
                row.getInteger("pause_ms"),
                JobStatus.fromCode(row.getInteger("status")),
                row.getInteger("attempts"),
                row.getLong("processed_until"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"),
                row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("finished_at"));
    }
}
