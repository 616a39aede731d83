package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Work starts when it arrives, not at the next tick: with the tick once an hour, only the
 * database's notifications can start a queued, resumed or SQL-inserted migration and a
 * non-batched job.
 */
@QuarkusTest
@TestProfile(WakeOnWorkTest.HourlyTick.class)
class WakeOnWorkTest extends DatabaseTestCase {

    public static class HourlyTick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bbm.engine.tick-interval", "1h");
        }
    }

    /** Milliseconds from the migration's row to its first job's start, by the database's clock. */
    private long startDelayMillis(long id) {
        return db.count(
                "SELECT (extract(epoch FROM min(j.started_at) - m.created_at) * 1000)::bigint"
                        + " FROM batched_background_migrations m JOIN batched_background_migration_jobs j"
                        + " ON j.batched_background_migration_id = m.id WHERE m.id = $1 GROUP BY m.created_at",
                id);
    }

    @Test
    void aQueuedMigrationStartsAtOnce() {
        db.createCopyTable("wake_queued", 5000, 0);
        db.engine(true, 2);
        long id = admin().body(copy("wake_queued", "\"batch_size\": 1000, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.awaitStatus(id, "finished", Duration.ofSeconds(30));
        assertEquals(0, db.wrongCopies("wake_queued", 5000));
        long delay = startDelayMillis(id);
        assertTrue(delay < 1000, "first batch " + delay + " ms after the queue request");
    }

    @Test
    void aMigrationInsertedBySqlAndAResumedOneStartAtOnce() {
        db.createCopyTable("wake_sql", 3000, 0);
        db.engine(true, 2);
        db.exec("INSERT INTO batched_background_migrations (job_class_name, table_name, column_name, job_arguments,"
                + " min_value, max_value, batch_size, sub_batch_size, \"interval\", pause_ms, status)"
                + " VALUES ('CopyColumnUsingBackgroundMigrationJob', 'wake_sql', 'id', '[[\"a\"], [\"b\"]]',"
                + " 1, 3000, 500, 100, 0, 0, 0)");
        long id = db.count("SELECT id FROM batched_background_migrations WHERE table_name = 'wake_sql'");
        admin().put(MIGRATIONS + "/" + id + "/resume").then().statusCode(200);
        db.awaitStatus(id, "finished", Duration.ofSeconds(30));
        assertEquals(0, db.wrongCopies("wake_sql", 3000));
    }

    @Test
    void aNonBatchedJobInsertedBySqlRunsAtOnce() {
        db.createCopyTable("wake_legacy", 100, 0);
        db.engine(true, 2);
        db.exec(
                "INSERT INTO background_migration_jobs (class_name, arguments) VALUES"
                        + " ('CopyColumnUsingBackgroundMigrationJob', '[\"wake_legacy\", \"id\", 1, 100, [[\"a\"], [\"b\"]]]')");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> db.count("SELECT count(*) FROM background_migration_jobs WHERE status = 1") == 1);
        assertEquals(0, db.wrongCopies("wake_legacy", 100));
    }
}
