package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static dev.bbm.support.Api.reader;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import dev.bbm.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two databases served at once, as a GitLab installation's {@code main} and {@code ci} (the test
 * profile adds {@code ci} on the same server): each has its own migrations, settings, engine,
 * readiness and metrics, and one that is down leaves the other migrating.
 */
@QuarkusTest
class SeveralDatabasesTest extends DatabaseTestCase {

    private static final String SETTINGS = "/api/v4/application/settings";
    private static final String READY = "/q/health/group/migrations";

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
    void stopCi() {
        db.exec("ALTER DATABASE " + ciName() + " ALLOW_CONNECTIONS true");
        ci.clearMigrations();
        ci.close();
    }

    private String ciName() {
        return ciUrl.replaceFirst(".*/([^/?]+)(\\?.*)?$", "$1");
    }

    private long queue(String database, String table, String extra) {
        return admin().body(copy(table, extra))
                .post(MIGRATIONS + "?database=" + database)
                .then()
                .statusCode(201)
                .body("database", equalTo(database))
                .header(
                        "Location",
                        database.equals("main")
                                ? not(containsString("database"))
                                : containsString("?database=" + database))
                .extract()
                .<Integer>path("id");
    }

    @Test
    void aMigrationQueuedInCiRunsInCiAndIsAbsentFromMain() {
        ci.createCopyTable("ci_builds", 2000, 7);
        long id = queue("ci", "ci_builds", "\"batch_size\": 500, \"interval\": 0, \"pause_ms\": 0");

        // Only ci has it: main's list is empty, the id is unknown there.
        reader().get(MIGRATIONS).then().statusCode(200).header("X-Total", "0");
        reader().get(MIGRATIONS + "/" + id).then().statusCode(404);
        reader().get(MIGRATIONS + "?database=ci")
                .then()
                .statusCode(200)
                .header("X-Total", "1")
                .body("[0].table_name", equalTo("ci_builds"))
                .body("[0].database", equalTo("ci"));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
        // A table that exists only in main cannot be queued in ci.
        db.createCopyTable("main_only", 10, 0);
        admin().body(copy("main_only", ""))
                .post(MIGRATIONS + "?database=ci")
                .then()
                .statusCode(422);

        ci.engine(true, 2);
        ci.awaitStatus(id, "finished", Duration.ofSeconds(60));
        assertEquals(0, ci.wrongCopies("ci_builds", 2000));
        reader().get(MIGRATIONS + "/" + id + "?database=ci")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"))
                .body("database", equalTo("ci"));
    }

    @Test
    void theBodyMayNameTheDatabaseButNotAnotherOneThanTheQuery() {
        ci.createCopyTable("ci_body", 100, 0);
        admin().body(copy("ci_body", "\"database\": \"ci\""))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("database", equalTo("ci"));
        assertEquals(1, ci.count("SELECT count(*) FROM batched_background_migrations"));

        admin().body(copy("ci_body", "\"database\": \"main\""))
                .post(MIGRATIONS + "?database=ci")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("database"));
        admin().body(copy("ci_body", "\"database\": \"sec\""))
                .post(MIGRATIONS)
                .then()
                .statusCode(400)
                .body("error", equalTo("database does not have a valid value"))
                .body("detail", containsString("the databases are: ci, main"));
        assertEquals(1, ci.count("SELECT count(*) FROM batched_background_migrations"));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
    }

    @Test
    void eachDatabaseHasItsOwnSettings() {
        admin().body("{\"database_max_running_batched_background_migrations\": 7}")
                .put(SETTINGS + "?database=ci")
                .then()
                .statusCode(200)
                .body("database", equalTo("ci"))
                .body("database_max_running_batched_background_migrations", equalTo(7));
        reader().get(SETTINGS)
                .then()
                .statusCode(200)
                .body("database", equalTo("main"))
                .body("database_max_running_batched_background_migrations", equalTo(2));
        admin().body("{\"execute_batched_migrations_on_schedule\": true, \"database\": \"main\"}")
                .put(SETTINGS)
                .then()
                .statusCode(200)
                .body("execute_batched_migrations_on_schedule", equalTo(true));
        assertEquals(
                7, ci.count("SELECT database_max_running_batched_background_migrations FROM bbm_application_settings"));
        assertEquals(
                0,
                ci.count("SELECT count(*) FROM bbm_application_settings WHERE execute_batched_migrations_on_schedule"));
    }

    @Test
    void readinessAndMetricsNameTheDatabase() {
        db.createCopyTable("main_events", 600, 0);
        ci.createCopyTable("ci_events", 900, 0);
        long mainId = queue("main", "main_events", "\"batch_size\": 300, \"interval\": 0, \"pause_ms\": 0");
        long ciId = queue("ci", "ci_events", "\"batch_size\": 300, \"interval\": 0, \"pause_ms\": 0");

        given().get(READY)
                .then()
                .statusCode(503)
                .body("checks[0].data.unfinished", equalTo(2))
                .body("checks[0].data.main", equalTo("1 unfinished"))
                .body("checks[0].data.ci", equalTo("1 unfinished"))
                .body(
                        "checks[0].data.unfinished_1",
                        equalTo("main: " + mainId
                                + " CopyColumnUsingBackgroundMigrationJob on main_events.id (active)"))
                .body(
                        "checks[0].data.unfinished_2",
                        equalTo("ci: " + ciId + " CopyColumnUsingBackgroundMigrationJob on ci_events.id (active)"));

        db.engine(true, 2);
        db.awaitStatus(mainId, "finished", Duration.ofSeconds(60));
        given().get(READY).then().statusCode(503).body("checks[0].data.unfinished_1", containsString("ci: "));
        ci.engine(true, 2);
        ci.awaitStatus(ciId, "finished", Duration.ofSeconds(60));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> given().get(READY).statusCode() == 200);

        // GitLab's gauge of migrated rows is what each database says, labelled with the database.
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> given().get("/q/metrics")
                        .then()
                        .body(containsString("batched_migration_migrated_tuples_total{database=\"ci\",migration_id=\""
                                + ciId
                                + "\",migration_identifier=\"CopyColumnUsingBackgroundMigrationJob/ci_events.id\"}"
                                + " 900.0"))
                        .body(containsString("batched_migration_migrated_tuples_total{database=\"main\",migration_id=\""
                                + mainId
                                + "\",migration_identifier=\"CopyColumnUsingBackgroundMigrationJob/main_events.id\"}"
                                + " 600.0"))
                        .body(containsString("batched_migrations{database=\"ci\",status=\"finished\"} 1.0")));
    }

    @Test
    void aDatabaseThatIsDownLeavesTheOtherMigratingAndReadinessNamesIt() {
        db.createCopyTable("main_while_ci_down", 3000, 0);
        ci.createCopyTable("ci_while_down", 3000, 0);
        long ciId = queue("ci", "ci_while_down", "\"batch_size\": 200, \"interval\": 0, \"pause_ms\": 20");
        ci.engine(true, 2);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ci.count("SELECT count(*) FROM batched_background_migration_jobs") > 0);

        // ci goes away: no new connection is allowed, the open ones are cut.
        db.exec("ALTER DATABASE " + ciName() + " ALLOW_CONNECTIONS false");
        db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + ciName() + "'");

        long mainId = queue("main", "main_while_ci_down", "\"batch_size\": 500, \"interval\": 0, \"pause_ms\": 0");
        db.engine(true, 2);
        db.awaitStatus(mainId, "finished", Duration.ofSeconds(60));
        assertEquals(0, db.wrongCopies("main_while_ci_down", 3000));
        given().get(READY)
                .then()
                .statusCode(503)
                .body("checks[0].data.main", equalTo("0 unfinished"))
                .body("checks[0].data.ci", containsString("cannot be read"));
        reader().get(MIGRATIONS + "?database=ci").then().statusCode(503);
        reader().get(MIGRATIONS).then().statusCode(200).header("X-Total", "1");

        // ci is back: its migration goes on where it stopped, and the gate opens.
        db.exec("ALTER DATABASE " + ciName() + " ALLOW_CONNECTIONS true");
        ci.awaitStatus(ciId, "finished", Duration.ofSeconds(90));
        assertEquals(0, ci.wrongCopies("ci_while_down", 3000));
        assertEquals(0, ci.overlappingJobs());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> given().get(READY).statusCode() == 200);
        given().get(READY)
                .then()
                .body("checks[0].data.ci", not(containsString("cannot")))
                .body("checks.name", hasItem("batched-background-migrations"));
    }
}
