package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Keys at the ends of bigint: below 1 (GitLab's first key) and at the largest value. */
@QuarkusTest
class KeyBoundsTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(60);
    private static final String FAST = "\"batch_size\": 4, \"sub_batch_size\": 2, \"interval\": 0, \"pause_ms\": 0";

    private void table(String name, String ids) {
        db.exec("DROP TABLE IF EXISTS " + name);
        db.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, a integer, b bigint)");
        db.exec("INSERT INTO " + name + " (id, a) SELECT g, 7 FROM " + ids + " g");
    }

    @Test
    void keysBelowOneAreMigratedWhenNoMinValueIsGiven() {
        table("bounds_negative", "generate_series(-5, 5)");
        long id = admin().body(copy("bounds_negative", FAST))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("min_value", equalTo(-5))
                .body("max_value", equalTo(5))
                .extract()
                .<Integer>path("id");
        db.engine(true, 1);
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.count("SELECT count(*) FROM bounds_negative WHERE b IS DISTINCT FROM a"));
        assertEquals(0, db.overlappingJobs());
    }

    @Test
    void aNegativeMinValueIsAcceptedAndKept() {
        table("bounds_explicit", "generate_series(-5, 5)");
        long id = admin().body(copy("bounds_explicit", FAST + ", \"min_value\": -3, \"max_value\": -1"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("min_value", equalTo(-3))
                .body("max_value", equalTo(-1))
                .extract()
                .<Integer>path("id");
        db.engine(true, 1);
        db.awaitStatus(id, "finished", LONG);
        assertEquals(3, db.count("SELECT count(*) FROM bounds_explicit WHERE b = a"));
        assertEquals(
                0, db.count("SELECT count(*) FROM bounds_explicit WHERE b IS NOT NULL AND id NOT BETWEEN -3 AND -1"));
    }

    @Test
    void aTableHoldingTheLargestBigintIsMigratedToItsEnd() {
        table("bounds_max", "generate_series(9223372036854775797, 9223372036854775807)");
        long id = admin().body(copy("bounds_max", FAST))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("max_value", equalTo(Long.MAX_VALUE))
                .extract()
                .<Integer>path("id");
        db.engine(true, 1);
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.count("SELECT count(*) FROM bounds_max WHERE b IS DISTINCT FROM a"));
        assertEquals(0, db.overlappingJobs());
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE min_value < 0"));
    }

    @Test
    void markingFinishedWhenTheJobsReachTheLargestBigintAddsNoWrappedJob() {
        table("bounds_mark", "generate_series(9223372036854775797, 9223372036854775807)");
        long id = admin().body(copy("bounds_mark", FAST + ", \"min_value\": 9223372036854775797"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        // The last batch was cut but has not run yet.
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, pause_ms) VALUES (" + id
                + ", 9223372036854775797, 9223372036854775807, 11, 2, 0)");
        admin().body("{\"confirm\": true}")
                .put(MIGRATIONS + "/" + id + "/mark_finished")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        assertEquals(1, db.count("SELECT count(*) FROM batched_background_migration_jobs"));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE min_value < 0"));
    }

    @Test
    void aMigrationWhoseTableIsGoneFailsWithoutAWrappedJobWhenItsJobsReachTheLargestBigint() {
        table("bounds_gone", "generate_series(9223372036854775797, 9223372036854775807)");
        long id = admin().body(copy("bounds_gone", FAST + ", \"min_value\": 9223372036854775797"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, pause_ms, status, attempts) VALUES (" + id
                + ", 9223372036854775797, 9223372036854775807, 11, 2, 0, 3, 1)");
        db.exec("UPDATE batched_background_migration_jobs SET status = 0 WHERE batched_background_migration_id = "
                + id);
        db.exec("DROP TABLE bounds_gone");
        db.engine(true, 1);
        db.awaitStatus(id, "failed", LONG);
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE min_value < 0"));
    }
}
