package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The impact budget against provoked contention: while one of bbm's sub-batches runs, it holds a
 * lock the database's probe needs (as an application's queries wait behind a migration's), so
 * the probe is many times slower than idle, and the controller must slow bbm down until the
 * budget holds, then let go of the migration's pace when it is done.
 */
@QuarkusTest
class ImpactBudgetTest extends DatabaseTestCase {

    private static final String SETTINGS = "/api/v4/application/settings";

    @AfterEach
    void budgetOff() {
        admin().body("{\"batched_migrations_impact_budget_percent\": 0}").put(SETTINGS);
        db.exec("DROP TRIGGER IF EXISTS contended ON bbm_impact_probe");
    }

    @Test
    void theBudgetIsASettingOfEachDatabase() {
        admin().get(SETTINGS).then().statusCode(200).body("batched_migrations_impact_budget_percent", equalTo(0));
        admin().body("{\"batched_migrations_impact_budget_percent\": 10}")
                .put(SETTINGS)
                .then()
                .statusCode(200)
                .body("batched_migrations_impact_budget_percent", equalTo(10));
        admin().queryParam("database", "ci")
                .get(SETTINGS)
                .then()
                .statusCode(200)
                .body("batched_migrations_impact_budget_percent", equalTo(0));
        for (String bad : new String[] {"-1", "1001"}) {
            admin().body("{\"batched_migrations_impact_budget_percent\": " + bad + "}")
                    .put(SETTINGS)
                    .then()
                    .statusCode(422)
                    .contentType("application/problem+json")
                    .body(containsString("batched_migrations_impact_budget_percent"));
        }
        assertEquals(10, db.count("SELECT batched_migrations_impact_budget_percent FROM bbm_application_settings"));
    }

    @Test
    void underContentionTheControllerSlowsTheMigrationDownAndLetsGoWhenItIsDone() {
        db.createCopyTable("impact_events", 60_000, 0);
        // Each of the 120 sub-batches holds an exclusive lock for 20 ms; the probe needs it shared.
        db.exec("CREATE FUNCTION impact_hold() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM pg_advisory_xact_lock(4242); PERFORM pg_sleep(0.02); RETURN NULL; END $$");
        db.exec("CREATE TRIGGER hold AFTER UPDATE ON impact_events FOR EACH STATEMENT EXECUTE FUNCTION impact_hold()");
        db.exec("CREATE FUNCTION impact_wait() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NULL; END $$");
        db.exec("CREATE TRIGGER contended BEFORE INSERT OR UPDATE ON bbm_impact_probe"
                + " FOR EACH STATEMENT EXECUTE FUNCTION impact_wait()");
        admin().body("{\"batched_migrations_impact_budget_percent\": 10}")
                .put(SETTINGS)
                .then()
                .statusCode(200);

        long id = admin().body(copy(
                        "impact_events",
                        "\"batch_size\": 2000, \"sub_batch_size\": 500, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.engine(true, 2);

        AtomicInteger longestPause = new AtomicInteger();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonPath body = admin().get(MIGRATIONS + "/" + id)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath();
                    if (body.get("impact") != null) {
                        assertEquals(10, body.getInt("impact.budget_percent"));
                        longestPause.accumulateAndGet(body.getInt("impact.pause_ms"), Math::max);
                    }
                    return "finished".equals(body.getString("status"));
                });

        assertTrue(longestPause.get() >= 40, "the controller slowed the migration down: " + longestPause + " ms");
        assertEquals(0, db.wrongCopies("impact_events", 60_000));
        assertEquals(0, db.overlappingJobs());
        // Done: the worker lets go, its pace goes with it, and the migration shows none.
        await().atMost(Duration.ofSeconds(5)).until(() -> db.count("SELECT count(*) FROM bbm_migration_pace") == 0);
        admin().get(MIGRATIONS + "/" + id).then().statusCode(200).body("impact", nullValue());
    }

    @Test
    void withoutABudgetMigrationsKeepTheirOwnPace() {
        db.createCopyTable("impact_off", 2000, 0);
        long id = admin().body(copy(
                        "impact_off",
                        "\"batch_size\": 1000, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", Duration.ofSeconds(30));
        admin().get(MIGRATIONS + "/" + id).then().statusCode(200).body("impact", nullValue());
        assertEquals(0, db.count("SELECT count(*) FROM bbm_impact_probe"));
    }
}
