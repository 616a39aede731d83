package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static dev.bbm.support.Api.reader;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OperatorActionsTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(90);
    private static final String CONFIG = "{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\","
            + "\"table_name\":\"%s\",\"column_name\":\"id\",\"job_arguments\":[[\"a\"],[\"b\"]]}";

    private long queue(String table, String extra) {
        return admin().body(copy(table, extra))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    @Test
    void pausingAnActiveMigrationLetsTheRunningBatchFinishAndStartsNoOther() {
        db.createCopyTable("act_pause", 2000, 0);
        long id =
                queue("act_pause", "\"batch_size\": 500, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 200");
        db.engine(true, 2);
        await().atMost(LONG)
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 1") == 1);
        admin().put(MIGRATIONS + "/" + id + "/pause").then().statusCode(200).body("status", equalTo("paused"));
        await().atMost(LONG)
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 3") == 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs") == 1);
        assertEquals("paused", db.status(id));

        admin().put(MIGRATIONS + "/" + id + "/pause")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("You can pause only active batched background migrations."));
        admin().put(MIGRATIONS + "/" + id + "/resume").then().statusCode(200).body("status", equalTo("active"));
        admin().put(MIGRATIONS + "/" + id + "/resume")
                .then()
                .statusCode(422)
                .body("detail", containsString("You can resume only paused batched background migrations."));
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("act_pause", 2000));
    }

    @Test
    void actionsOnAnUnknownMigrationAre404AndNeedAnAdminToken() {
        for (String action : List.of("pause", "resume", "retry", "finalize")) {
            admin().put(MIGRATIONS + "/424242/" + action)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json");
            reader().put(MIGRATIONS + "/424242/" + action).then().statusCode(403);
        }
        admin().put(MIGRATIONS + "/x1/pause").then().statusCode(400);
    }

    @Test
    void retryingAFailedMigrationGivesItsFailedBatchesNewAttemptsAndFinishesIt() {
        db.createCopyTable("act_retry", 1000, 0);
        db.refuseUpdates("act_retry", "NEW.id BETWEEN 350 AND 360");
        long id = queue("act_retry", "\"batch_size\": 100, \"sub_batch_size\": 100, \"interval\": 0, \"pause_ms\": 0");
        admin().put(MIGRATIONS + "/" + id + "/retry")
                .then()
                .statusCode(422)
                .body("detail", containsString("You can retry only failed batched background migrations."));
        db.engine(true, 2);
        db.awaitStatus(id, "failed", LONG);

        admin().get(MIGRATIONS + "/" + id + "/jobs?status=failed")
                .then()
                .statusCode(200)
                .header("X-Total", "1")
                .body("", hasSize(1))
                .body("[0].min_value", equalTo(301))
                .body("[0].attempts", equalTo(3))
                .body(
                        "[0].transition_logs.findAll { it.next_status == 'failed' }.exception_message",
                        org.hamcrest.Matchers.everyItem(containsString("refuses to change")));

        db.exec("DROP TRIGGER guard ON act_retry");
        admin().put(MIGRATIONS + "/" + id + "/retry").then().statusCode(200).body("status", equalTo("active"));
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("act_retry", 1000));
        assertEquals(0, db.overlappingJobs());
    }

    @Test
    void finalizeRunsEveryRemainingBatchNowWhileAPausedMigrationStaysPaused() {
        db.createCopyTable("act_finalize", 200_000, 0);
        db.createCopyTable("act_other", 1000, 0);
        // An interval of two minutes would take hours; finalize ignores it.
        long id = queue(
                "act_finalize", "\"batch_size\": 10000, \"sub_batch_size\": 2500, \"interval\": 120, \"pause_ms\": 0");
        long other = queue("act_other", "\"interval\": 0, \"pause_ms\": 0");
        admin().put(MIGRATIONS + "/" + other + "/pause").then().statusCode(200);

        admin().put(MIGRATIONS + "/" + id + "/finalize?wait=true&timeout=120")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"))
                .body("progress", equalTo(100))
                .body("estimated_time_remaining", equalTo(0))
                .body("finished_at", notNullValue());
        assertEquals(0, db.wrongCopies("act_finalize", 200_000));
        assertEquals(
                20,
                db.count(
                        "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                        id));
        assertEquals("paused", db.status(other));
        assertEquals(
                0,
                db.count(
                        "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                        other));

        // Finalizing a finished migration again is a no-op, as GitLab's (upgrade scripts are re-run).
        long jobs = db.count(
                "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                id);
        admin().put(MIGRATIONS + "/" + id + "/finalize").then().statusCode(200).body("status", equalTo("finished"));
        assertEquals(
                jobs,
                db.count(
                        "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                        id));
        assertEquals("finished", db.status(id));
    }

    @Test
    void finalizeWithoutWaitingAnswers202AndFinalizeByConfigurationFindsTheMigration() {
        db.createCopyTable("act_finalize_async", 3000, 0);
        long id = queue(
                "act_finalize_async",
                "\"batch_size\": 1000, \"sub_batch_size\": 500, \"interval\": 120, \"pause_ms\": 0");
        admin().body(String.format(CONFIG, "act_finalize_async"))
                .post(MIGRATIONS + "/finalize")
                .then()
                .statusCode(202)
                .body("id", equalTo((int) id))
                .body("status", equalTo("finalizing"));
        db.awaitStatus(id, "finished", LONG);
        admin().body(String.format(CONFIG, "act_finalize_async"))
                .post(MIGRATIONS + "/finalize?wait=true")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        admin().body(String.format(CONFIG, "no_such_table"))
                .post(MIGRATIONS + "/finalize")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        admin().body("{\"table_name\":\"x\"}")
                .post(MIGRATIONS + "/finalize")
                .then()
                .statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.hasItems("job_class_name", "column_name"));
    }

    @Test
    void markFinishedNeedsConfirmationThenRecordsWhoSkippedTheWork() {
        db.createCopyTable("act_mark", 1000, 0);
        long id = queue("act_mark", "\"batch_size\": 100, \"interval\": 0");
        admin().body("{}")
                .put(MIGRATIONS + "/" + id + "/mark_finished")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("confirm"));
        admin().body("{\"confirm\": false}")
                .put(MIGRATIONS + "/" + id + "/mark_finished")
                .then()
                .statusCode(422);
        assertEquals("active", db.status(id));

        admin().body("{\"confirm\": true}")
                .put(MIGRATIONS + "/" + id + "/mark_finished")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        // No batch ran: the data is untouched, the logs say who skipped it.
        assertEquals(1000, db.wrongCopies("act_mark", 1000));
        assertEquals(
                1,
                db.count(
                        "SELECT count(*) FROM batched_background_migration_job_transition_logs"
                                + " WHERE exception_class = 'MarkedFinished' AND exception_message LIKE '%by test-admin at %'"));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status <> 3"));
        assertEquals(1000, db.count("SELECT max(max_value) FROM batched_background_migration_jobs"));
        admin().body("{\"confirm\": true}")
                .put(MIGRATIONS + "/" + id + "/mark_finished")
                .then()
                .statusCode(422);
    }

    @Test
    void ensureFinishedAnswersWithGitLabsMessageUntilTheMigrationIsFinished() {
        db.createCopyTable("act_ensure", 2000, 0);
        long id = queue("act_ensure", "\"batch_size\": 500, \"interval\": 120, \"pause_ms\": 0");
        String config = String.format(CONFIG, "act_ensure");
        admin().body(config)
                .post(MIGRATIONS + "/ensure_finished")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        containsString("Expected batched background migration for the given configuration to be"
                                + " marked as 'finished', but it is 'active':"))
                .body("detail", containsString("table_name: act_ensure"))
                .body("detail", containsString("batched_background_migrations/finalize?wait=true"));
        admin().body(String.format(CONFIG, "act_unknown"))
                .post(MIGRATIONS + "/ensure_finished")
                .then()
                .statusCode(404);

        admin().body(config)
                .post(MIGRATIONS + "/ensure_finished?finalize=true")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        assertEquals(0, db.wrongCopies("act_ensure", 2000));
        admin().body(config)
                .post(MIGRATIONS + "/ensure_finished")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        // GitLab's check before an upgrade: no row once everything is done, ensure_finished included.
        assertEquals("finished", db.status(id));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations WHERE status <> 3"));
    }

    @Test
    void aMigrationShowsItsTimingAndEstimatedTimeRemaining() {
        db.createCopyTable("act_eta", 5000, 0);
        long id = queue("act_eta", "\"batch_size\": 1000, \"sub_batch_size\": 500, \"interval\": 30, \"pause_ms\": 0");
        admin().get(MIGRATIONS + "/" + id)
                .then()
                .body("estimated_time_remaining", nullValue())
                .body("started_at", nullValue());
        db.engine(true, 2);
        await().atMost(LONG)
                .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 3") == 1);
        // Four batches left, one every 30 s at most.
        admin().get(MIGRATIONS + "/" + id)
                .then()
                .body("started_at", notNullValue())
                .body("estimated_time_remaining", equalTo(120))
                .body("progress", equalTo(20.0f));
    }

    @Test
    void settingsAreReadAndChangedThroughTheApi() {
        admin().get("/api/v4/application/settings")
                .then()
                .statusCode(200)
                .body("database_max_running_batched_background_migrations", equalTo(2))
                .body("execute_batched_migrations_on_schedule", equalTo(false));
        admin().body("{\"database_max_running_batched_background_migrations\": 4}")
                .put("/api/v4/application/settings")
                .then()
                .statusCode(200)
                .body("database_max_running_batched_background_migrations", equalTo(4))
                .body("execute_batched_migrations_on_schedule", equalTo(false));
        admin().body("{\"database_max_running_batched_background_migrations\": -1}")
                .put("/api/v4/application/settings")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("database_max_running_batched_background_migrations"));
        admin().body("{\"execute_batched_migrations_on_schedule\": \"yes\"}")
                .put("/api/v4/application/settings")
                .then()
                .statusCode(400);
        reader().body("{\"execute_batched_migrations_on_schedule\": true}")
                .put("/api/v4/application/settings")
                .then()
                .statusCode(403);
        assertEquals(
                4, db.count("SELECT database_max_running_batched_background_migrations FROM bbm_application_settings"));
    }

    @Test
    void concurrentPausesAndResumesEndInAValidState() throws Exception {
        db.createCopyTable("act_race", 100, 0);
        long id = queue("act_race", "\"interval\": 120");
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String action = i % 2 == 0 ? "pause" : "resume";
                calls.add(() -> admin().put(MIGRATIONS + "/" + id + "/" + action)
                        .then()
                        .extract()
                        .statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : clients.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 422), statuses.toString());
            assertTrue(statuses.contains(200));
        } finally {
            clients.shutdown();
        }
        String status = db.status(id);
        assertTrue(status.equals("paused") || status.equals("active"), status);
    }
}
