package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.reader;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ListAndShowMigrationsTest extends DatabaseTestCase {

    /** Five migrations inserted by SQL, the way an application's schema migration would. */
    @BeforeEach
    void setUp() {
        db.createCopyTable("list_events", 100, 0);
        db.createCopyTable("list_users", 100, 0);
        for (int i = 1; i <= 5; i++) {
            db.exec("INSERT INTO batched_background_migrations (job_class_name, table_name, column_name, job_arguments,"
                    + " max_value, status) VALUES ('"
                    + (i <= 3 ? "CopyColumnUsingBackgroundMigrationJob" : "BackfillColumnJob")
                    + "', '" + (i % 2 == 0 ? "list_users" : "list_events") + "', 'id', '[[\"a\"], [\"b" + i
                    + "\"]]', 100, "
                    + new int[] {1, 0, 3, 4, 6}[i - 1] + ")");
        }
    }

    @Test
    void listingIsNewestFirstWithGitLabPaginationHeaders() {
        reader().get(MIGRATIONS + "?per_page=2")
                .then()
                .statusCode(200)
                .header("X-Total", "5")
                .header("X-Total-Pages", "3")
                .header("X-Page", "1")
                .header("X-Per-Page", "2")
                .header("X-Next-Page", "2")
                .header("X-Prev-Page", "")
                .body("id", contains(5, 4));
        reader().get(MIGRATIONS + "?per_page=2&page=3")
                .then()
                .statusCode(200)
                .header("X-Next-Page", "")
                .header("X-Prev-Page", "2")
                .body("id", contains(1));
        reader().get(MIGRATIONS)
                .then()
                .statusCode(200)
                .header("X-Per-Page", "20")
                .body("id", hasSize(5));
    }

    @Test
    void listingFiltersByStatusJobClassAndTable() {
        reader().get(MIGRATIONS + "?status=queued").then().body("id", contains(2, 1));
        reader().get(MIGRATIONS + "?status=finalized")
                .then()
                .body("id", contains(5))
                .body("[0].status", equalTo("finalized"));
        reader().get(MIGRATIONS + "?job_class_name=BackfillColumnJob")
                .then()
                .header("X-Total", "2")
                .body("id", contains(5, 4));
        reader().get(MIGRATIONS + "?table_name=list_users&status=paused").then().body("id", contains(2));
    }

    @Test
    void badFiltersAndPagesAre400Problems() {
        reader().get(MIGRATIONS + "?status=running")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("status"));
        reader().get(MIGRATIONS + "?page=0").then().statusCode(400).body("errors[0].field", equalTo("page"));
        reader().get(MIGRATIONS + "?per_page=101").then().statusCode(400).body("errors[0].field", equalTo("per_page"));
        reader().get(MIGRATIONS + "?per_page=ten").then().statusCode(400).body("errors[0].field", equalTo("per_page"));
    }

    @Test
    void aMigrationInsertedBySqlIsShownWithItsJobCounts() {
        long id = db.count("SELECT id FROM batched_background_migrations WHERE status = 1");
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, status) VALUES (" + id + ", 1, 50, 50, 10, 3), (" + id
                + ", 51, 100, 50, 10, 2)");
        reader().get(MIGRATIONS + "/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo((int) id))
                .body("status", equalTo("active"))
                .body("batch_size", equalTo(1000))
                .body("interval", equalTo(120))
                .body("jobs.succeeded", equalTo(1))
                .body("jobs.failed", equalTo(1))
                .body("jobs.total", equalTo(2))
                .body("progress", equalTo(50.0f));
    }

    @Test
    void anUnknownIdIs404AndAMalformedOneIs400() {
        admin().get(MIGRATIONS + "/999999")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("There is no batched background migration with id 999999."));
        admin().get(MIGRATIONS + "/abc").then().statusCode(400).contentType("application/problem+json");
        admin().get(MIGRATIONS + "/-1").then().statusCode(400);
    }

    @Test
    void errorsCarryGitLabsMembersBesideTheProblemOnes() {
        // A client written for GitLab's API reads "message", and "error" for a malformed parameter.
        admin().get(MIGRATIONS + "/999999")
                .then()
                .statusCode(404)
                .body("message", equalTo("There is no batched background migration with id 999999."))
                .body("detail", equalTo("There is no batched background migration with id 999999."))
                .body("error", nullValue());
        reader().get(MIGRATIONS + "?per_page=ten")
                .then()
                .statusCode(400)
                .body("error", startsWith("per_page must be"))
                .body("message", startsWith("per_page: must be"))
                .body("type", notNullValue())
                .body("title", notNullValue());
    }

    @Test
    void gitLabsStatusQueryReturnsNoRowExactlyWhenEverythingIsFinished() {
        String gitlabQuery =
                "SELECT job_class_name, table_name, column_name, job_arguments FROM batched_background_migrations WHERE status <> 3";
        org.junit.jupiter.api.Assertions.assertEquals(4, db.rows(gitlabQuery).size());
        db.exec("UPDATE batched_background_migrations SET status = 3");
        org.junit.jupiter.api.Assertions.assertEquals(0, db.rows(gitlabQuery).size());
    }
}
