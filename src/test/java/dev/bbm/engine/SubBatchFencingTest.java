package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.db.JobRepository;
import dev.bbm.jobs.BatchedMigrationJob.SubBatchStatement;
import dev.bbm.migration.BatchedJob;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fences that keep a sub-batch from committing twice or out of order: a worker whose job was
 * taken over (its attempt or cursor is stale) commits nothing, and a sub-batch pipelined behind
 * one that failed changes nothing.
 */
@QuarkusTest
class SubBatchFencingTest extends DatabaseTestCase {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SubBatchStatement FIRST_TEN =
            new SubBatchStatement("UPDATE fence_events SET b = a WHERE id BETWEEN $1 AND $2", List.of());

    @Inject
    JobRepository jobs;

    private BatchedJob runningJob() {
        db.createCopyTable("fence_events", 100, 0);
        db.exec(
                "INSERT INTO batched_background_migrations (job_class_name, table_name, column_name, job_arguments, max_value)"
                        + " VALUES ('CopyColumnUsingBackgroundMigrationJob', 'fence_events', 'id', '[[\"a\"],[\"b\"]]', 100)");
        db.exec(
                "INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                        + " batch_size, sub_batch_size, status, attempts) SELECT id, 1, 100, 100, 10, 1, 2 FROM batched_background_migrations");
        return JobRepository.from(
                db.rows("SELECT * FROM batched_background_migration_jobs").get(0));
    }

    private static BatchedJob withAttempts(BatchedJob job, int attempts) {
        return new BatchedJob(
                job.id(),
                job.migrationId(),
                job.minValue(),
                job.maxValue(),
                job.batchSize(),
                job.subBatchSize(),
                job.pauseMs(),
                job.status(),
                attempts,
                null,
                job.createdAt(),
                job.updatedAt(),
                job.startedAt(),
                job.finishedAt());
    }

    /** A sub-batch as the executor sends it: BEGIN, the job's progress, the change, COMMIT, all at once. */
    private int subBatch(BatchedJob job) {
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        try {
            Uni<Object> begin = connection.query("BEGIN").execute().map(Object.class::cast);
            Uni<Object> progress =
                    jobs.advance(connection, job, null, 10, "10000ms", "1000ms").map(Object.class::cast);
            Uni<Object> change = connection
                    .preparedQuery(FIRST_TEN.statements().get(0))
                    .execute(Tuple.from(FIRST_TEN.params(1, 10)))
                    .map(rows -> (Object) rows.rowCount());
            Uni<Object> commit = connection.query("COMMIT").execute().map(Object.class::cast);
            return Uni.join()
                    .all(List.of(begin, progress, change, commit))
                    .andCollectFailures()
                    .map(results -> (Integer) results.get(2))
                    .onFailure(io.smallrye.mutiny.CompositeException.class)
                    .transform(e -> ((io.smallrye.mutiny.CompositeException) e)
                            .getCauses()
                            .get(0))
                    .await()
                    .atMost(WAIT);
        } finally {
            connection.close().await().atMost(WAIT);
        }
    }

    @Test
    void aWorkerWithAStaleAttemptIsStoppedBeforeItChangesAnything() {
        BatchedJob stale = withAttempts(runningJob(), 1);
        PgException lost = assertThrows(PgException.class, () -> subBatch(stale));
        assertEquals(JobRepository.LOST_JOB, lost.getSqlState());
        assertEquals(100, db.wrongCopies("fence_events", 100), "nothing changed");
        assertEquals(
                0,
                db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE processed_until IS NOT NULL"));
    }

    @Test
    void aWorkerWhoseCursorIsStaleIsStoppedBeforeItChangesAnything() {
        BatchedJob job = runningJob();
        db.exec("UPDATE batched_background_migration_jobs SET processed_until = 10");
        PgException lost = assertThrows(PgException.class, () -> subBatch(job));
        assertEquals(JobRepository.LOST_JOB, lost.getSqlState());
        assertEquals(100, db.wrongCopies("fence_events", 100), "nothing changed");
    }

    @Test
    void theWorkerThatOwnsTheJobCommitsChangeAndProgressTogether() {
        assertEquals(10, subBatch(runningJob()));
        assertEquals(90, db.wrongCopies("fence_events", 100));
        assertEquals(10, db.count("SELECT processed_until FROM batched_background_migration_jobs"));
    }

    /**
     * Without pauses the sub-batches of a job are pipelined: when the third one fails, the ones
     * sent behind it must neither commit nor move the cursor past the failure.
     */
    @Test
    void subBatchesPipelinedBehindAFailedOneChangeNothing() {
        db.createCopyTable("fence_pipeline", 100, 0);
        db.refuseUpdates("fence_pipeline", "NEW.id = 25");
        long id = admin().body(copy(
                        "fence_pipeline",
                        "\"batch_size\": 100, \"sub_batch_size\": 10, \"interval\": 0,"
                                + " \"pause_ms\": 0, \"optimize\": false"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.engine(true, 2);
        db.awaitStatus(id, "failed", Duration.ofSeconds(60));

        Row job = db.rows(
                        "SELECT id, processed_until, attempts FROM batched_background_migration_jobs"
                                + " WHERE batched_background_migration_id = $1",
                        id)
                .get(0);
        assertEquals(20, job.getLong("processed_until"), "the cursor stops after the last sub-batch that committed");
        assertEquals(3, job.getInteger("attempts"));
        assertEquals(0, db.wrongCopies("fence_pipeline", 20));
        assertEquals(
                80,
                db.count("SELECT count(*) FROM fence_pipeline WHERE b IS NULL"),
                "nothing after the failure changed");
        List<Row> logs = db.rows(
                "SELECT exception_message FROM batched_background_migration_job_transition_logs"
                        + " WHERE batched_background_migration_job_id = $1 AND next_status = 2",
                job.getLong("id"));
        assertEquals(3, logs.size());
        logs.forEach(log -> assertTrue(
                log.getString("exception_message").contains("row 25 refuses to change"),
                log.getString("exception_message")));
    }
}
