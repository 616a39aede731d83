package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The batches bbm runs inside the server (the procedure {@code bbm_run_batches}) keep the
 * guarantees of bbm's own path: a sub-batch that runs past the statement timeout is cancelled by
 * itself, a pause stops a batch between two sub-batches, many batches run in one call, and every
 * row is changed exactly once.
 */
@QuarkusTest
@TestProfile(ServerSideBatchesTest.ShortStatementTimeout.class)
class ServerSideBatchesTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(60);

    public static class ShortStatementTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bbm.engine.statement-timeout", "PT2S");
        }
    }

    private long queue(String table, String sizes) {
        return admin().body(copy(table, sizes))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    private List<Row> jobs(long id) {
        return db.rows(
                "SELECT * FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1 ORDER BY min_value",
                id);
    }

    @Test
    void manyBatchesRunInOneCallAndEachRowIsCopiedOnce() {
        db.createCopyTable("server_many", 20_000, 7);
        long id =
                queue("server_many", "\"batch_size\": 1000, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", LONG);

        assertEquals(0, db.wrongCopies("server_many", 20_000));
        assertEquals(0, db.overlappingJobs());
        List<Row> jobs = jobs(id);
        assertEquals(1, jobs.get(0).getLong("min_value"));
        assertEquals(20_000, jobs.get(jobs.size() - 1).getLong("max_value"));
        for (int i = 1; i < jobs.size(); i++) {
            assertEquals(jobs.get(i - 1).getLong("max_value") + 1, jobs.get(i).getLong("min_value"), "no gap");
        }
        // Each job: succeeded on its first attempt, with its two transition logs and ten sub-batches.
        assertEquals(
                0,
                db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status <> 3 OR attempts <> 1"));
        assertEquals(
                2L * jobs.size(), db.count("SELECT count(*) FROM batched_background_migration_job_transition_logs"));
        assertEquals(
                jobs.size() - 1,
                db.count("SELECT count(*) FROM batched_background_migration_jobs"
                        + " WHERE jsonb_array_length(metrics #> '{timings,sub_batch}') = 10"
                        + " AND jsonb_array_length(metrics #> '{affected_rows,sub_batch}') = 10"));
    }

    @Test
    void aSubBatchPastTheStatementTimeoutIsCancelledAndRetried() {
        db.createCopyTable("server_slow", 400, 0);
        db.exec("CREATE TABLE server_slow_switch (on_ boolean)");
        db.exec("INSERT INTO server_slow_switch VALUES (true)");
        // Row 150 takes 8 s to update while the switch is on: far past the 2 s statement timeout.
        db.exec("CREATE FUNCTION server_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF (SELECT on_ FROM server_slow_switch) THEN PERFORM pg_sleep(8); END IF; RETURN NEW; END $$");
        db.exec("CREATE TRIGGER slow BEFORE UPDATE ON server_slow FOR EACH ROW WHEN (NEW.id = 150)"
                + " EXECUTE FUNCTION server_slow()");
        long id =
                queue("server_slow", "\"batch_size\": 200, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        long started = System.nanoTime();
        db.engine(true, 2);
        await().atMost(LONG)
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_job_transition_logs"
                                + " WHERE exception_class = 'StatementTimeout'")
                        > 0);
        double seconds = (System.nanoTime() - started) / 1e9;

        Row failed = db.rows("SELECT j.processed_until, j.attempts, l.exception_message"
                        + " FROM batched_background_migration_jobs j JOIN batched_background_migration_job_transition_logs l"
                        + " ON l.batched_background_migration_job_id = j.id WHERE l.exception_class = 'StatementTimeout'"
                        + " ORDER BY l.id")
                .get(0);
        // The first sub-batch (1–100) committed; the second was cancelled by bbm well before its 8 s
        // (a retry on bbm's own path may time out too, by PostgreSQL's own timer, until the switch is off).
        assertEquals(100, failed.getLong("processed_until"));
        assertTrue(failed.getString("exception_message").contains("2000 ms"), failed.getString("exception_message"));
        assertTrue(seconds < 6.5, "cancelled after " + seconds + " s");
        db.exec("UPDATE server_slow_switch SET on_ = false");

        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("server_slow", 400));
        assertEquals(0, db.overlappingJobs());
        assertEquals(400, db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs"));
    }

    @Test
    void aPauseStopsABatchBetweenTwoSubBatchesAndTheResumeGoesOnFromThere() {
        db.createCopyTable("server_pause", 2000, 0);
        // A batch of the whole table in twenty sub-batches, 300 ms apart: six seconds to pause in.
        long id = queue(
                "server_pause", "\"batch_size\": 2000, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 300");
        db.engine(true, 2);
        await().atMost(LONG)
                .until(() -> db.count("SELECT coalesce(max(processed_until), 0) FROM batched_background_migration_jobs")
                        >= 300);
        admin().put(MIGRATIONS + "/" + id + "/pause").then().statusCode(200);
        // Within one sub-batch (and its pause), the batch ends where its cursor is.
        await().atMost(Duration.ofSeconds(2))
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 3") == 1);
        Row cut = jobs(id).get(0);
        long reached = cut.getLong("max_value");
        assertTrue(reached < 2000, "the batch ended at " + reached);
        assertEquals(reached, cut.getLong("processed_until"));
        assertEquals(reached, cut.getInteger("batch_size").longValue());
        assertEquals(reached, db.count("SELECT count(*) FROM server_pause WHERE b IS NOT DISTINCT FROM a"));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs") == 1);

        admin().put(MIGRATIONS + "/" + id + "/resume").then().statusCode(200);
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("server_pause", 2000));
        assertEquals(0, db.overlappingJobs());
        assertEquals(reached + 1, jobs(id).get(1).getLong("min_value"));
        assertEquals(2000, db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs"));
    }
}
