package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static dev.bbm.support.Api.reader;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GitLab's {@code database} parameter, as its request spec states it: {@code main} (or none) is the
 * configured database; a name that is not configured ({@code sec}: the test profile serves
 * {@code main} and {@code ci}) is a 400 with {@code "database does not have a valid value"}
 * on every endpoint, and changes nothing — never main's answer to a question about another database.
 */
@QuarkusTest
class DatabaseParameterTest extends DatabaseTestCase {

    private static final String SETTINGS = "/api/v4/application/settings";
    private long id;

    @BeforeEach
    void oneMigration() {
        db.createCopyTable("database_param", 300, 0);
        id = admin().body(copy("database_param", "\"interval\": 120"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    @Test
    void mainIsTheConfiguredDatabase() {
        reader().get(MIGRATIONS + "?database=main").then().statusCode(200).header("X-Total", "1");
        reader().get(MIGRATIONS + "/" + id + "?database=main")
                .then()
                .statusCode(200)
                .body("id", equalTo((int) id));
        admin().put(MIGRATIONS + "/" + id + "/pause?database=main")
                .then()
                .statusCode(200)
                .body("status", equalTo("paused"));
        reader().get(SETTINGS + "?database=main").then().statusCode(200);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /api/v4/admin/batched_background_migrations
            GET    | /api/v4/admin/batched_background_migrations/ID
            GET    | /api/v4/admin/batched_background_migrations/ID/jobs
            PUT    | /api/v4/admin/batched_background_migrations/ID/pause
            PUT    | /api/v4/admin/batched_background_migrations/ID/resume
            PUT    | /api/v4/admin/batched_background_migrations/ID/retry
            PUT    | /api/v4/admin/batched_background_migrations/ID/finalize
            PUT    | /api/v4/admin/batched_background_migrations/ID/mark_finished
            DELETE | /api/v4/admin/batched_background_migrations/ID
            POST   | /api/v4/admin/batched_background_migrations
            POST   | /api/v4/admin/batched_background_migrations/finalize
            POST   | /api/v4/admin/batched_background_migrations/ensure_finished
            GET    | /api/v4/application/settings
            PUT    | /api/v4/application/settings
            """)
    void anUnknownDatabaseIsA400WithGitLabsErrorAndChangesNothing(String method, String path) {
        String status = db.status(id);
        long migrations = db.count("SELECT count(*) FROM batched_background_migrations");
        long jobs = db.count("SELECT count(*) FROM batched_background_migration_jobs");
        RequestSpecification request = admin().body(body(path));
        Function<String, io.restassured.response.Response> send = url -> request.request(method, url);
        send.apply(path.replace("ID", String.valueOf(id)) + "?database=sec")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("error", equalTo("database does not have a valid value"))
                .body("detail", containsString("the databases are: ci, main"))
                .body("errors[0].field", equalTo("database"));
        assertEquals(status, db.status(id));
        assertEquals(migrations, db.count("SELECT count(*) FROM batched_background_migrations"));
        assertEquals(jobs, db.count("SELECT count(*) FROM batched_background_migration_jobs"));
    }

    private static String body(String path) {
        if (path.endsWith("mark_finished")) {
            return "{\"confirm\": true}";
        }
        if (path.endsWith("settings")) {
            return "{\"execute_batched_migrations_on_schedule\": false}";
        }
        return copy("database_param", "");
    }

    @Test
    void withoutATokenTheDatabaseIsNotChecked() {
        io.restassured.RestAssured.given()
                .get(MIGRATIONS + "?database=sec")
                .then()
                .statusCode(401);
    }
}
