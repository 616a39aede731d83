package dev.bbm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bbm.db.JobRepository;
import dev.bbm.migration.BatchedJob;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fence that keeps a sub-batch from committing twice: a worker whose job was taken over
 * (its attempt or cursor is stale) sends its progress update and COMMIT together, and the
 * update's failure rolls the whole sub-batch back.
 */
@QuarkusTest
class SubBatchFencingTest extends DatabaseTestCase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    JobRepository jobs;

    private BatchedJob runningJob() {
        db.createCopyTable("fence_events", 100, 0);
        db.exec("INSERT INTO batched_background_migrations (job_class_name, table_name, column_name, job_arguments, max_value)"
                + " VALUES ('CopyColumnUsingBackgroundMigrationJob', 'fence_events', 'id', '[[\"a\"],[\"b\"]]', 100)");
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, status, attempts) SELECT id, 1, 100, 100, 10, 1, 2 FROM batched_background_migrations");
        return JobRepository.from(db.rows("SELECT * FROM batched_background_migration_jobs").get(0));
    }

    /** BEGIN, a sub-batch's change, then its progress update and COMMIT pipelined, as the executor sends them. */
    private Uni<Object> subBatch(SqlConnection connection, BatchedJob job) {
        return connection.query("BEGIN").execute()
                .flatMap(ignored -> connection.query("UPDATE fence_events SET b = a WHERE id BETWEEN 1 AND 10").execute())
                .flatMap(ignored -> Uni.combine().all().unis(
                        jobs.recordSubBatchOrAbort(connection, job, null, 10, 10, 0.001),
                        connection.query("COMMIT").execute()).asTuple().map(done -> (Object) done));
    }

    @Test
    void aWorkerWithAStaleAttemptCommitsNothing() {
        BatchedJob job = runningJob();
        BatchedJob stale = new BatchedJob(job.id(), job.migrationId(), job.minValue(), job.maxValue(), job.batchSize(),
                job.subBatchSize(), job.pauseMs(), job.status(), job.attempts() - 1, null, job.createdAt(), job.updatedAt(),
                job.startedAt(), job.finishedAt());
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        try {
            PgException lost = assertThrows(PgException.class, () -> subBatch(connection, stale).await().atMost(WAIT));
            assertEquals(JobRepository.LOST_JOB, lost.getSqlState());
        } finally {
            connection.close().await().atMost(WAIT);
        }
        assertEquals(100, db.wrongCopies("fence_events", 100), "the change was rolled back");
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE processed_until IS NOT NULL"));
    }

    @Test
    void theWorkerThatOwnsTheJobCommitsChangeAndProgressTogether() {
        BatchedJob job = runningJob();
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        try {
            subBatch(connection, job).await().atMost(WAIT);
        } finally {
            connection.close().await().atMost(WAIT);
        }
        assertEquals(90, db.wrongCopies("fence_events", 100));
        assertEquals(10, db.count("SELECT processed_until FROM batched_background_migration_jobs"));
    }
}
