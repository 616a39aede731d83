package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BatchedMigrationEngineTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(60);

    private long queue(String table, String extra) {
        return admin().body(copy(table, extra))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    @Test
    void batchesFollowExistingKeysAcrossGapsAndRowsAddedAboveMaxValueAreNotTouched() {
        db.createCopyTable("engine_gaps", 10_000, 7);
        long id =
                queue("engine_gaps", "\"batch_size\": 1000, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        db.exec("INSERT INTO engine_gaps (a) SELECT g FROM generate_series(1, 50) g");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", LONG);

        assertEquals(0, db.wrongCopies("engine_gaps", 10_000));
        assertEquals(50, db.count("SELECT count(*) FROM engine_gaps WHERE id > 10000 AND b IS NULL"));
        List<Row> jobs = db.rows(
                "SELECT min_value, max_value, batch_size, status, metrics::text AS metrics"
                        + " FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1 ORDER BY min_value",
                id);
        // 8,572 rows in batches of 1,000 existing keys: 9 jobs, contiguous from 1 to max_value.
        assertEquals(9, jobs.size());
        long expectedMin = 1;
        for (Row job : jobs) {
            assertEquals(expectedMin, job.getLong("min_value"));
            assertTrue(job.getInteger("batch_size") <= 1000);
            assertEquals(3, job.getInteger("status"));
            expectedMin = job.getLong("max_value") + 1;
        }
        assertEquals(10_001, expectedMin);
        assertEquals(8572, db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs"));
        // Sub-batches take 100 existing keys each, whatever the gaps: ten per full batch, then the rest.
        for (int i = 0; i < 8; i++) {
            assertEquals(
                    "[100,100,100,100,100,100,100,100,100,100]",
                    db.rows(
                                    "SELECT metrics->'affected_rows'->'sub_batch' AS rows FROM batched_background_migration_jobs"
                                            + " WHERE batched_background_migration_id = $1 ORDER BY min_value OFFSET $2 LIMIT 1",
                                    id,
                                    i)
                            .get(0)
                            .getValue("rows")
                            .toString());
        }
        assertEquals(
                "[100,100,100,100,100,72]",
                db.rows(
                                "SELECT metrics->'affected_rows'->'sub_batch' AS rows"
                                        + " FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1 ORDER BY min_value DESC"
                                        + " LIMIT 1",
                                id)
                        .get(0)
                        .getValue("rows")
                        .toString());
        assertEquals(0, db.overlappingJobs());
        admin().get(MIGRATIONS + "/" + id)
                .then()
                .body("progress", org.hamcrest.Matchers.equalTo(100))
                .body("jobs.succeeded", org.hamcrest.Matchers.equalTo(9));
    }

    @Test
    void aBatchRunsInSubBatchesWithPausesBetweenThem() {
        db.createCopyTable("engine_pauses", 500, 0);
        long id = queue(
                "engine_pauses", "\"batch_size\": 500, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 300");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", LONG);

        Row job = db.rows(
                        "SELECT jsonb_array_length(metrics #> '{timings,sub_batch}') AS sub_batches,"
                                + " metrics #> '{affected_rows,sub_batch}' AS rows, extract(epoch FROM finished_at - started_at) AS seconds"
                                + " FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                        id)
                .get(0);
        assertEquals(5, job.getInteger("sub_batches"));
        assertEquals("[100,100,100,100,100]", job.getValue("rows").toString().replace(" ", ""));
        // Four pauses of 300 ms lie between five sub-batches.
        assertTrue(job.getDouble("seconds") >= 1.2, "took " + job.getDouble("seconds") + " s");
        assertEquals(0, db.wrongCopies("engine_pauses", 500));
    }

    @Test
    void aFailingBatchIsRetriedThreeTimesThenTheMigrationFails() {
        db.createCopyTable("engine_failing", 1000, 0);
        db.refuseUpdates("engine_failing", "NEW.id BETWEEN 450 AND 460");
        long id = queue(
                "engine_failing", "\"batch_size\": 100, \"sub_batch_size\": 50, \"interval\": 0, \"pause_ms\": 0");
        db.engine(true, 2);
        db.awaitStatus(id, "failed", LONG);

        Row failed = db.rows(
                        "SELECT id, min_value, max_value, attempts FROM batched_background_migration_jobs"
                                + " WHERE batched_background_migration_id = $1 AND status = 2",
                        id)
                .get(0);
        assertEquals(401, failed.getLong("min_value"));
        assertEquals(3, failed.getInteger("attempts"));
        List<Row> logs = db.rows(
                "SELECT exception_class, exception_message FROM batched_background_migration_job_transition_logs"
                        + " WHERE batched_background_migration_job_id = $1 AND next_status = 2 ORDER BY id",
                failed.getLong("id"));
        assertEquals(3, logs.size());
        assertTrue(logs.get(0).getString("exception_message").contains("refuses to change"));
        // Every other batch ran: the copy is complete but for the batch that failed.
        assertEquals(
                9,
                db.count(
                        "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1 AND status = 3",
                        id));
        assertEquals(100, db.wrongCopies("engine_failing", 1000));
    }

    @Test
    void aMigrationWhoseBatchesMostlyFailStopsAfterFiftyJobs() {
        db.createCopyTable("engine_ratio", 2000, 0);
        db.refuseUpdates("engine_ratio", "NEW.id > 200");
        long id = queue(
                "engine_ratio",
                "\"batch_size\": 10, \"sub_batch_size\": 10, \"interval\": 0, \"pause_ms\": 0, \"optimize\": false");
        db.engine(true, 2);
        db.awaitStatus(id, "failed", LONG);

        long jobs = db.count(
                "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                id);
        long failed = db.count(
                "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1 AND status = 2",
                id);
        // 20 batches succeed, then failures pile up: at the 50th job 30 of 50 failed (> 0.5).
        assertEquals(50, jobs, "stopped before the 200 batches of the range");
        assertEquals(30, failed);
    }

    @Test
    void aTimedOutBatchShrinksItsSubBatchesThenSplitsInHalves() throws Exception {
        db.createCopyTable("engine_timeout", 400, 0);
        long id = queue(
                "engine_timeout", "\"batch_size\": 200, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        // The application holds a row lock that bbm's update must wait for: bbm's lock_timeout fires.
        SqlConnection application = pool.getConnection().await().atMost(LONG);
        try {
            application.query("BEGIN").execute().await().atMost(LONG);
            application
                    .query("SELECT * FROM engine_timeout WHERE id = 150 FOR UPDATE")
                    .execute()
                    .await()
                    .atMost(LONG);
            db.engine(true, 2);
            await().atMost(LONG)
                    .until(() -> db.count(
                                    "SELECT count(*) FROM batched_background_migration_jobs"
                                            + " WHERE batched_background_migration_id = $1",
                                    id)
                            >= 3);
            List<Row> logs = db.rows("""
                    SELECT l.exception_class FROM batched_background_migration_job_transition_logs l
                    JOIN batched_background_migration_jobs j ON j.id = l.batched_background_migration_job_id
                    WHERE j.batched_background_migration_id = $1 AND j.min_value = 1 AND l.next_status = 2 ORDER BY l.id""", id);
            assertTrue(logs.size() >= 3);
            assertEquals("LockTimeout", logs.get(0).getString("exception_class"));
            // 100 → 75 → 56 over the first two retries, then the split halves the remaining range.
            long split = db.count(
                    "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1"
                            + " AND max_value < 200 AND min_value > 1",
                    id);
            assertTrue(split >= 1, "the first batch was split");
        } finally {
            application.query("ROLLBACK").execute().await().atMost(LONG);
            application.close().await().atMost(LONG);
        }
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("engine_timeout", 400));
        assertEquals(0, db.overlappingJobs());
        assertEquals(1, db.count("SELECT min(min_value) FROM batched_background_migration_jobs"));
        assertEquals(400, db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs"));
    }

    @Test
    void aJobLeftRunningByADeadWorkerIsRecoveredAtOnce() {
        db.createCopyTable("engine_dead", 300, 0);
        long id = queue("engine_dead", "\"batch_size\": 100, \"sub_batch_size\": 50, \"interval\": 0, \"pause_ms\": 0");
        // What a worker killed after its first sub-batch leaves behind: a running job, half done.
        db.exec("UPDATE engine_dead SET b = a WHERE id <= 50");
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, status, attempts, processed_until, started_at)"
                + " VALUES (" + id + ", 1, 100, 100, 50, 1, 1, 50, now())");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", Duration.ofSeconds(10));

        Row recovered = db.rows("SELECT j.attempts, j.status, j.metrics #> '{affected_rows,sub_batch}' AS rows,"
                        + " (SELECT exception_class FROM batched_background_migration_job_transition_logs l"
                        + "   WHERE l.batched_background_migration_job_id = j.id AND next_status = 2) AS failure"
                        + " FROM batched_background_migration_jobs j WHERE min_value = 1")
                .get(0);
        assertEquals("WorkerLost", recovered.getString("failure"));
        assertEquals(2, recovered.getInteger("attempts"));
        // It resumed after the committed sub-batch: only the second half ran again.
        assertEquals("[50]", recovered.getValue("rows").toString());
        assertEquals(0, db.wrongCopies("engine_dead", 300));
        assertEquals(0, db.overlappingJobs());
    }

    @Test
    void aHungWorkerIsCutOffAfterTheStuckJobsTimeout() {
        db.createCopyTable("engine_hung", 100, 0);
        long id = queue("engine_hung", "\"batch_size\": 100, \"sub_batch_size\": 50, \"interval\": 0, \"pause_ms\": 0");
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, status, attempts, started_at, updated_at)"
                + " VALUES (" + id
                + ", 1, 100, 100, 50, 1, 1, now() - interval '2 hours', now() - interval '2 hours')");
        // A worker that is alive but hung: its session holds the migration's lock and does nothing.
        SqlConnection hung = pool.getConnection().await().atMost(LONG);
        hung.preparedQuery("SELECT pg_advisory_lock($1, $2::int)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(MigrationLease.MIGRATION_LOCKS, MigrationLease.lockKey(id)))
                .await()
                .atMost(LONG);
        db.engine(true, 2);
        db.awaitStatus(id, "finished", Duration.ofSeconds(40));
        assertEquals(0, db.wrongCopies("engine_hung", 100));
        hung.close().onFailure().recoverWithNull().await().atMost(LONG);
    }

    @Test
    void withTheSwitchOffTheRunningBatchCompletesAndNoNewOneStarts() {
        db.createCopyTable("engine_switch", 1000, 0);
        long id = queue(
                "engine_switch", "\"batch_size\": 500, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 200");
        db.engine(true, 2);
        await().atMost(LONG)
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 1") == 1);
        db.engine(false, 2);
        await().atMost(LONG)
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 3") == 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs") == 1);
        assertEquals("active", db.status(id));
        db.engine(true, 2);
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("engine_switch", 1000));
    }

    @Test
    void atMostTheConfiguredNumberOfMigrationsRunAtOnce() {
        db.createCopyTable("engine_limit_a", 300, 0);
        db.createCopyTable("engine_limit_b", 300, 0);
        long a = queue(
                "engine_limit_a", "\"batch_size\": 100, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        long b = queue(
                "engine_limit_b", "\"batch_size\": 100, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        slowDown("engine_limit_a");
        slowDown("engine_limit_b");
        db.engine(true, 1);
        db.awaitStatus(a, "finished", LONG);
        db.awaitStatus(b, "finished", LONG);
        assertEquals(0, overlappingInTime(a, b), "with one slot, no batch of one ran beside a batch of the other");
    }

    @Test
    void twoMigrationsOfOneTableNeverRunAtOnce() {
        db.createCopyTable("engine_table", 300, 0);
        long a =
                queue("engine_table", "\"batch_size\": 100, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        long b = admin().body(
                        "{\"job_class_name\":\"BackfillColumnJob\",\"table_name\":\"engine_table\",\"column_name\":\"id\","
                                + "\"job_arguments\":[[\"status\"],[7]],\"batch_size\":100,\"sub_batch_size\":100,\"interval\":0,\"pause_ms\":0}")
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        slowDown("engine_table");
        db.engine(true, 2);
        db.awaitStatus(a, "finished", LONG);
        db.awaitStatus(b, "finished", LONG);
        assertEquals(0, overlappingInTime(a, b));
        assertEquals(0, db.count("SELECT count(*) FROM engine_table WHERE status IS DISTINCT FROM 7"));
    }

    /** Each updated row of the table takes 2 ms, so that batches last long enough to overlap. */
    private void slowDown(String table) {
        db.exec("CREATE OR REPLACE FUNCTION engine_slow() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM pg_sleep(0.002); RETURN NEW; END $$");
        db.exec("CREATE TRIGGER slow BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION engine_slow()");
    }

    private long overlappingInTime(long a, long b) {
        return db.count("""
                SELECT count(*) FROM batched_background_migration_jobs x JOIN batched_background_migration_jobs y
                  ON x.batched_background_migration_id = $1 AND y.batched_background_migration_id = $2
                 AND tstzrange(x.started_at, x.finished_at) && tstzrange(y.started_at, y.finished_at)""", a, b);
    }
}
