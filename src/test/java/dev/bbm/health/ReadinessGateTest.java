package dev.bbm.health;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadinessGateTest extends DatabaseTestCase {

    @Test
    void readinessIsDownWhileAMigrationIsUnfinishedAndUpOnceItFinishes() {
        given().get("/q/health/ready").then().statusCode(200);
        db.createCopyTable("gate_events", 3000, 0);
        long id = admin().body(copy("gate_events", "\"batch_size\": 500, \"interval\": 0, \"pause_ms\": 50"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");

        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'batched-background-migrations' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'batched-background-migrations' }.data.active", equalTo(1))
                .body(
                        "checks.find { it.name == 'batched-background-migrations' }.data.unfinished_1",
                        containsString(id + " CopyColumnUsingBackgroundMigrationJob on gate_events.id (active)"));
        given().get("/q/health/group/migrations")
                .then()
                .statusCode(503)
                .body("checks.name", hasItem("batched-background-migrations"))
                .body("checks.size()", equalTo(1));
        // Unfinished migrations never make the process look dead.
        given().get("/q/health/live").then().statusCode(200).body("checks.name", hasItem("scheduler"));

        db.engine(true, 2);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/q/health/group/migrations").statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> db.status(id).equals("finished"));
    }
}
