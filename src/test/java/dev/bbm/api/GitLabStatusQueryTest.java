package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The seed's upgrade check, {@code SELECT … FROM batched_background_migrations WHERE status <> 3},
 * keeps its meaning whatever an operator did: no row once every migration is done.
 */
@QuarkusTest
class GitLabStatusQueryTest extends DatabaseTestCase {

    private static final String SEED_QUERY = "SELECT job_class_name, table_name, column_name, job_arguments"
            + " FROM batched_background_migrations WHERE status <> 3";

    private long queue(String table) {
        db.createCopyTable(table, 1500, 0);
        return admin().body(copy(table, "\"batch_size\": 500, \"interval\": 120, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    @Test
    void noRowAfterFinalizeThenEnsureFinishedAndAfterMarkFinished() {
        long finalized = queue("seed_finalized");
        long marked = queue("seed_marked");
        assertEquals(2, db.rows(SEED_QUERY).size());

        admin().put(MIGRATIONS + "/" + finalized + "/finalize?wait=true")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        admin().body(copy("seed_finalized", ""))
                .post(MIGRATIONS + "/ensure_finished")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        // Finalize again, as a re-run upgrade script does: nothing changes.
        admin().put(MIGRATIONS + "/" + finalized + "/finalize").then().statusCode(200);
        assertEquals(1, db.rows(SEED_QUERY).size());

        admin().body("{\"confirm\": true}")
                .put(MIGRATIONS + "/" + marked + "/mark_finished")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        assertEquals(0, db.rows(SEED_QUERY).size());
        given().get("/q/health/group/migrations").then().statusCode(200);
    }

    @Test
    void aRowGitLabItselfFinalizedCountsAsDone() {
        long id = queue("seed_gitlab_finalized");
        // GitLab's own finalize leaves status 6 (finalized).
        db.exec("UPDATE batched_background_migrations SET status = 6 WHERE id = " + id);
        given().get("/q/health/group/migrations").then().statusCode(200);
        admin().get(MIGRATIONS + "/" + id).then().statusCode(200).body("status", equalTo("finalized"));
        admin().put(MIGRATIONS + "/" + id + "/finalize").then().statusCode(200).body("status", equalTo("finalized"));
        admin().body(copy("seed_gitlab_finalized", ""))
                .post(MIGRATIONS + "/ensure_finished")
                .then()
                .statusCode(200);
    }
}
