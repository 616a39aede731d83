package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.bbm.support.DatabaseTestCase;
import dev.bbm.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GitLab's request spec for the {@code database} parameter
 * ({@code spec/requests/api/admin/batched_background_migrations_spec.rb}), case by case, with
 * {@code ci} a second database of the test server: rows are created in the database as GitLab's
 * factories create them.
 */
@QuarkusTest
class GitLabDatabaseParameterSpecTest extends DatabaseTestCase {

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "bbm.databases.ci.url")
    String ciUrl;

    Db ci;

    @BeforeEach
    void cleanCi() {
        ci = Db.onOwnPool(vertx, ciUrl);
        ci.clearMigrations();
    }

    @AfterEach
    void closeCi() {
        ci.clearMigrations();
        ci.close();
    }

    /** GitLab's factory {@code :batched_background_migration} with a status trait, in {@code db}. */
    private static long create(Db db, String table, int status, Long totalTupleCount) {
        db.exec("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, a int, b bigint)");
        return db.count("INSERT INTO batched_background_migrations (job_class_name, table_name, column_name,"
                + " job_arguments, min_value, max_value, batch_size, sub_batch_size, \"interval\", status,"
                + " total_tuple_count) VALUES ('CopyColumnUsingBackgroundMigrationJob', '" + table
                + "', 'id', '[[\"a\"], [\"b\"]]', 1, 100, 10, 5, 120, " + status + ", " + totalTupleCount
                + ") RETURNING id");
    }

    @Test
    void showUsesTheCiDatabaseAndCalculatesTheProgressThere() {
        long id = create(ci, "spec_ci_builds", 1, 100L);
        ci.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, status) VALUES (" + id + ", 1, 8, 8, 5, 3)");
        admin().queryParam("database", "ci")
                .get(MIGRATIONS + "/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo((int) id))
                .body("progress", equalTo(8.0f));
    }

    @Test
    void showOfAMigrationThatDoesNotExistIs404() {
        admin().queryParam("database", "ci")
                .get(MIGRATIONS + "/" + 999_999)
                .then()
                .statusCode(404);
    }

    @Test
    void listReturnsCiDatabaseRecords() {
        create(db, "spec_main_events", 1, null);
        long ciMigration = create(ci, "spec_ci_pipelines", 1, null);
        admin().queryParam("database", "ci")
                .get(MIGRATIONS)
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].id", equalTo((int) ciMigration))
                .body("[0].job_class_name", equalTo("CopyColumnUsingBackgroundMigrationJob"))
                .body("[0].table_name", equalTo("spec_ci_pipelines"))
                .body("[0].column_name", equalTo("id"))
                .body("[0].status", equalTo("active"))
                .body("[0].progress", equalTo(0.0f));
    }

    @Test
    void resumeAndPauseUseTheCiDatabase() {
        long paused = create(ci, "spec_ci_resume", 0, null);
        admin().queryParam("database", "ci")
                .put(MIGRATIONS + "/" + paused + "/resume")
                .then()
                .statusCode(200)
                .body("status", equalTo("active"));
        admin().queryParam("database", "ci")
                .put(MIGRATIONS + "/" + paused + "/pause")
                .then()
                .statusCode(200)
                .body("status", equalTo("paused"));
        org.junit.jupiter.api.Assertions.assertEquals("paused", ci.status(paused));
    }

    @Test
    void resumeOfAMigrationThatIsNotPausedAndPauseOfOneNotActiveAre422() {
        long failed = create(ci, "spec_ci_failed", 4, null);
        admin().queryParam("database", "ci")
                .put(MIGRATIONS + "/" + failed + "/resume")
                .then()
                .statusCode(422);
        admin().queryParam("database", "ci")
                .put(MIGRATIONS + "/" + failed + "/pause")
                .then()
                .statusCode(422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /ID", "GET ", "PUT /ID/resume", "PUT /ID/pause"})
    void aDatabaseNameThatDoesNotExistIsABadRequest(String call) {
        long id = create(db, "spec_wrong_database", 0, null);
        String[] parts = call.split(" ");
        admin().queryParam("database", "wrong_database")
                .request(parts[0], MIGRATIONS + (parts.length > 1 ? parts[1].replace("ID", String.valueOf(id)) : ""))
                .then()
                .statusCode(400)
                .body(containsString("database does not have a valid value"));
    }

    /** Rails sends a PUT's params as a form; bbm reads JSON, so it refuses a form rather than ignore its database. */
    @Test
    void aFormBodyIsRefusedNotReadAsMain() {
        long id = create(db, "spec_form", 1, null);
        io.restassured.RestAssured.given()
                .header("PRIVATE-TOKEN", dev.bbm.support.Api.ADMIN_TOKEN)
                .contentType("application/x-www-form-urlencoded")
                .formParam("database", "ci")
                .put(MIGRATIONS + "/" + id + "/pause")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("detail", containsString("?database="));
        org.junit.jupiter.api.Assertions.assertEquals("active", db.status(id));
    }
}
