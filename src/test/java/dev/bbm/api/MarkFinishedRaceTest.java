package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * mark_finished while a worker cuts batches back to back: the worker's next job is either in the
 * range mark_finished saw or never created, so no job overlaps the range it closed.
 */
@QuarkusTest
class MarkFinishedRaceTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final int ROUNDS = 10;

    @Test
    void markingFinishedWhileAWorkerRunsLeavesNoOverlappingOrBackwardsJob() throws InterruptedException {
        db.createCopyTable("race_mark", 20_000, 7);
        Random random = new Random(11);
        for (int round = 1; round <= ROUNDS; round++) {
            db.clearMigrations();
            long id = admin().body(copy(
                            "race_mark",
                            "\"batch_size\": 40, \"sub_batch_size\": 20, \"interval\": 0,"
                                    + " \"pause_ms\": 0, \"optimize\": false"))
                    .post(MIGRATIONS)
                    .then()
                    .statusCode(201)
                    .extract()
                    .<Integer>path("id");
            db.engine(true, 2);
            await().atMost(LONG)
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> db.count("SELECT count(*) FROM batched_background_migration_jobs") >= 3);
            Thread.sleep(random.nextInt(30));
            admin().body("{\"confirm\": true}")
                    .put(MIGRATIONS + "/" + id + "/mark_finished")
                    .then()
                    .statusCode(200);
            // Whatever the worker had in flight has ended or been fenced off.
            await().atMost(LONG)
                    .until(() ->
                            db.count("SELECT count(*) FROM batched_background_migration_jobs" + " WHERE status <> 3")
                                    == 0);
            Thread.sleep(300);
            String context = "round " + round + " of " + ROUNDS;
            assertEquals(0, db.overlappingJobs(), context + ": jobs overlap");
            assertEquals(
                    0,
                    db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status <> 3"),
                    context + ": a job was created after the migration was marked finished");
            assertEquals(
                    0,
                    db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE finished_at < started_at"),
                    context + ": a job finished before it started");
            assertEquals("finished", db.status(id), context);
        }
    }
}
