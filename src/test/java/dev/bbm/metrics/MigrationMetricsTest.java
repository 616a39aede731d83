package dev.bbm.metrics;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MigrationMetricsTest extends DatabaseTestCase {

    @Test
    void aRunningMigrationIsVisibleInPrometheusMetricsUnderGitLabsNames() {
        db.createCopyTable("metrics_events", 3000, 0);
        long id = admin().body(copy(
                        "metrics_events",
                        "\"batch_size\": 1000, \"sub_batch_size\": 250, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", Duration.ofSeconds(60));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> given().get("/q/metrics")
                        .then()
                        .body(containsString("batched_migrations{database=\"main\",status=\"finished\"} 1.0")));

        String labels = "database=\"main\",migration_id=\"" + id
                + "\",migration_identifier=\"CopyColumnUsingBackgroundMigrationJob/metrics_events.id\"";
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("batched_migration_job_batch_size{" + labels + "} 1000.0"))
                .body(containsString("batched_migration_job_sub_batch_size{" + labels + "} 250.0"))
                .body(containsString("batched_migration_job_interval_seconds{" + labels + "} 0.0"))
                .body(containsString("batched_migration_job_duration_seconds{" + labels + "}"))
                .body(containsString("batched_migration_migrated_tuples_total{" + labels + "} 3000.0"))
                .body(containsString("batched_migration_job_updated_tuples_total{" + labels + "} 3000.0"))
                .body(containsString("batched_migration_total_tuple_count{" + labels + "} 3000.0"))
                .body(containsString("batched_migration_last_update_time_seconds{" + labels + "}"))
                .body(containsString("batched_migration_job_query_duration_seconds_bucket{" + labels))
                .body(containsString("batched_migration_job_query_duration_seconds_count{" + labels + "} 12"));
    }

    @Test
    void migratedTuplesAreWhatTheDatabaseSaysWhoeverRanTheBatches() {
        db.createCopyTable("metrics_elsewhere", 1000, 0);
        long id = admin().body(copy("metrics_elsewhere", "\"interval\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        // Another replica (or a process since restarted) ran two batches: this process did not.
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, status) VALUES (" + id + ", 1, 250, 250, 100, 3), (" + id
                + ", 251, 400, 150, 100, 3), (" + id + ", 401, 600, 200, 100, 2)");
        String metric = "batched_migration_migrated_tuples_total{database=\"main\",migration_id=\"" + id
                + "\",migration_identifier=\"CopyColumnUsingBackgroundMigrationJob/metrics_elsewhere.id\"} 400.0";
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().get("/q/metrics").then().body(containsString(metric)));
    }
}
