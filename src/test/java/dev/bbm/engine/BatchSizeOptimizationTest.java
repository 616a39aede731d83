package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The optimizer on real batches; the test profile targets 0.2 s per batch when the interval is 0. */
@QuarkusTest
class BatchSizeOptimizationTest extends DatabaseTestCase {

    @Test
    void batchesGrowFromAThousandOnAFastTable() {
        db.createCopyTable("opt_fast", 80_000, 0);
        long id = admin().body(copy(
                        "opt_fast", "\"batch_size\": 1000, \"sub_batch_size\": 1000, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", Duration.ofSeconds(90));

        // Twenty batches of 1,000 teach the optimizer; then each batch is up to 20 % larger.
        assertEquals(
                20,
                db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE batch_size = 1000"
                        + " AND id <= 20"));
        assertEquals(1200, db.count("SELECT batch_size FROM batched_background_migration_jobs WHERE id = 21"));
        assertTrue(db.count("SELECT batch_size FROM batched_background_migrations WHERE id = $1", id) > 5000);
        assertEquals(0, db.wrongCopies("opt_fast", 80_000));
        assertEquals(0, db.overlappingJobs());
    }

    @Test
    void batchesShrinkOnASlowTable() {
        db.createCopyTable("opt_slow", 60_000, 0);
        db.exec("CREATE OR REPLACE FUNCTION opt_slow() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM pg_sleep(0.0001); RETURN NEW; END $$");
        db.exec(
                "CREATE TRIGGER slow BEFORE UPDATE ON opt_slow FOR EACH ROW WHEN (NEW.id % 8 = 0) EXECUTE FUNCTION opt_slow()");
        long id = admin().body(copy(
                        "opt_slow", "\"batch_size\": 2000, \"sub_batch_size\": 1000, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.engine(true, 2);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .until(() -> db.count("SELECT batch_size FROM batched_background_migrations WHERE id = $1", id) < 2000);
        db.exec("UPDATE bbm_application_settings SET execute_batched_migrations_on_schedule = false");
        long size = db.count("SELECT batch_size FROM batched_background_migrations WHERE id = $1", id);
        assertTrue(size >= 1000 && size < 2000, "batch size " + size);
        assertTrue(
                db.count(
                                "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                                id)
                        >= 20,
                "the optimizer acts once twenty batches taught it");
    }
}
