package dev.bbm.api;

import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.reader;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.engine.BatchedMigrationEngine;
import dev.bbm.engine.DatabaseContext;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * GitLab's older, non-batched queue: rows an application inserts into
 * {@code background_migration_jobs} with plain SQL, run by bbm exactly once, failures kept and
 * retried, and the runbook's operations ({@code remaining}, {@code pending}, {@code steal}, the
 * re-run of pending jobs) over the API.
 */
@QuarkusTest
class NonBatchedQueueTest extends DatabaseTestCase {

    private static final String QUEUE = "/api/v4/admin/background_migrations";
    private static final String COPY = "CopyColumnUsingBackgroundMigrationJob";

    @Inject
    DatabaseContext main;

    /** A copy table whose every update of a row is written to {@code <table>_audit}. */
    private void auditedCopyTable(String table, int rows) {
        db.createCopyTable(table, rows, 0);
        db.exec("DROP TABLE IF EXISTS " + table + "_audit");
        db.exec("CREATE TABLE " + table + "_audit (id bigint)");
        db.exec("CREATE OR REPLACE FUNCTION " + table + "_audit() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN INSERT INTO " + table + "_audit VALUES (NEW.id); RETURN NEW; END $$");
        db.exec("CREATE TRIGGER audit AFTER UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + table
                + "_audit()");
    }

    /** As an application enqueues: one row per key range, by plain SQL. */
    private void enqueue(String className, String table, long from, long to, int step) {
        db.exec("INSERT INTO background_migration_jobs (class_name, arguments) SELECT '" + className
                + "', jsonb_build_array('" + table + "', 'id', g, least(g + " + (step - 1) + ", " + to
                + "), '[[\"a\"], [\"b\"]]'::jsonb) FROM generate_series(" + from + ", " + to + ", " + step + ") g");
    }

    @Test
    void rowsInsertedBySqlRunExactlyOnceWithSeveralEnginesAtWork() {
        auditedCopyTable("legacy_once", 2000);
        enqueue(COPY, "legacy_once", 1, 2000, 50);
        assertEquals(40, db.count("SELECT count(*) FROM background_migration_jobs WHERE status = 0"));

        // Two more engines on the same database beside the scheduler's own: as three replicas.
        List<BatchedMigrationEngine> engines = List.of(main.newEngine(), main.newEngine());
        db.engine(true, 2);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    engines.forEach(engine -> engine.tick().await().atMost(Duration.ofSeconds(10)));
                    return db.count("SELECT count(*) FROM background_migration_jobs WHERE status = 0") == 0;
                });
        engines.forEach(BatchedMigrationEngine::stop);

        assertEquals(0, db.wrongCopies("legacy_once", 2000));
        // Every row was changed once: no job ran twice, none was skipped.
        assertEquals(2000, db.count("SELECT count(*) FROM legacy_once_audit"));
        assertEquals(2000, db.count("SELECT count(DISTINCT id) FROM legacy_once_audit"));
        assertEquals(40, db.count("SELECT count(*) FROM background_migration_jobs WHERE status = 1 AND attempts = 1"));
    }

    @Test
    void aFailingJobKeepsItsErrorAndIsRetried() {
        db.createCopyTable("legacy_retry", 100, 0);
        db.refuseUpdates("legacy_retry", "NEW.id = 42");
        enqueue(COPY, "legacy_retry", 1, 100, 100);
        db.engine(true, 2);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> db.count("SELECT attempts FROM background_migration_jobs") >= 1);
        var failed = db.rows("SELECT status, last_error, retry_after FROM background_migration_jobs")
                .get(0);
        assertEquals(0, failed.getInteger("status"));
        assertTrue(failed.getString("last_error").contains("row 42 refuses to change"), failed.getString("last_error"));
        assertEquals(
                0, db.count("SELECT count(*) FROM legacy_retry WHERE b IS NOT NULL"), "the failed job left nothing");
        reader().get(QUEUE + "/pending")
                .then()
                .statusCode(200)
                .header("X-Total", "1")
                .body("[0].last_error", containsString("row 42 refuses to change"))
                .body("[0].status", equalTo("pending"));

        // The cause goes away: a later attempt succeeds and the error is gone.
        db.exec("DROP TRIGGER guard ON legacy_retry");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> db.count("SELECT count(*) FROM background_migration_jobs WHERE status = 1") == 1);
        assertNull(db.rows("SELECT last_error FROM background_migration_jobs")
                .get(0)
                .getString("last_error"));
        assertEquals(0, db.wrongCopies("legacy_retry", 100));
    }

    @Test
    void remainingAndPendingCountWhatTheTableHolds() {
        db.createCopyTable("legacy_counts", 300, 0);
        enqueue(COPY, "legacy_counts", 1, 300, 100);
        enqueue("DeleteRowsJob", "legacy_counts", 1, 100, 100);
        db.exec("UPDATE background_migration_jobs SET status = 1 WHERE id = 1");

        reader().get(QUEUE + "/remaining")
                .then()
                .statusCode(200)
                .body("database", equalTo("main"))
                .body("remaining", equalTo(3))
                .body("classes", hasSize(2))
                .body("classes.find { it.class_name == '" + COPY + "' }.remaining", equalTo(2))
                .body("classes.find { it.class_name == 'DeleteRowsJob' }.remaining", equalTo(1));
        reader().get(QUEUE + "/pending?class_name=" + COPY + "&per_page=1")
                .then()
                .statusCode(200)
                .header("X-Total", "2")
                .body("$", hasSize(1))
                .body("[0].id", equalTo(2))
                .body("[0].arguments[0]", equalTo("legacy_counts"));
        reader().get(QUEUE + "/remaining?database=ci").then().statusCode(200).body("remaining", equalTo(0));
    }

    @Test
    void stealRunsAClassesRemainingJobsInTheRequest() {
        db.createCopyTable("legacy_steal", 1000, 0);
        enqueue(COPY, "legacy_steal", 1, 1000, 250);
        db.exec("INSERT INTO background_migration_jobs (class_name, arguments) VALUES ('" + COPY
                + "', '[\"legacy_steal\", \"id\"]')");
        // The engine is off: only the request runs them.
        admin().body("{\"class_name\": \"" + COPY + "\"}")
                .post(QUEUE + "/steal")
                .then()
                .statusCode(200)
                .body("class_name", equalTo(COPY))
                .body("succeeded", equalTo(4))
                .body("failed", equalTo(1))
                .body("remaining", equalTo(1))
                .body("failures[0].error", containsString("arguments must be [table_name, column_name"));
        assertEquals(0, db.wrongCopies("legacy_steal", 1000));
        reader().get(QUEUE + "/remaining").then().body("remaining", equalTo(1));
        admin().body("{}").post(QUEUE + "/steal").then().statusCode(422);
        given().header("PRIVATE-TOKEN", dev.bbm.support.Api.READ_TOKEN)
                .contentType("application/json")
                .body("{\"class_name\": \"" + COPY + "\"}")
                .post(QUEUE + "/steal")
                .then()
                .statusCode(403);
    }

    @Test
    void theReadinessGateWaitsForPendingNonBatchedJobs() {
        db.createCopyTable("legacy_gate", 100, 0);
        given().get("/q/health/group/migrations").then().statusCode(200);
        enqueue(COPY, "legacy_gate", 1, 100, 100);
        given().get("/q/health/group/migrations")
                .then()
                .statusCode(503)
                .body("checks[0].data.non_batched_pending", equalTo(1))
                .body("checks[0].data.unfinished_1", equalTo("main: 1 pending non-batched jobs of " + COPY));
        admin().body("{}")
                .post(QUEUE + "/retry_pending")
                .then()
                .statusCode(200)
                .body("succeeded", equalTo(1))
                .body("remaining", equalTo(0));
        given().get("/q/health/group/migrations").then().statusCode(200);
    }
}
