package dev.bbm.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away for 30 s in the middle of a migration: bbm reports not ready with a
 * reason, stays alive, and finishes the migration by itself once the database is back.
 */
class DatabaseOutageIT {

    private static final String MIGRATIONS = "/api/v4/admin/batched_background_migrations";

    @TempDir
    Path dir;

    @Test
    void aMigrationSurvivesADatabaseOutageOfThirtySeconds() throws Exception {
        try (FaultDatabase db = new FaultDatabase(dir.resolve("pg")).start();
             BbmProcess bbm = new BbmProcess(dir).database(db.reactiveUrl()).start()) {
            db.createCopyTable("outage_events", 30_000);
            var queued = bbm.post(MIGRATIONS, FaultDatabase.copy("outage_events",
                    "\"batch_size\":1000,\"sub_batch_size\":100,\"interval\":0,\"pause_ms\":50,\"optimize\":false"));
            assertEquals(201, queued.statusCode(), queued.body());
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 3") >= 3);

            db.stop();
            Instant down = Instant.now();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> bbm.get("/q/health/ready").statusCode() == 503);
            String readiness = bbm.get("/q/health/ready").body();
            assertTrue(readiness.contains("\"status\": \"DOWN\""), readiness);
            assertTrue(readiness.contains("PostgreSQL connections health check"), readiness);
            assertEquals(200, bbm.get("/q/health/live").statusCode(), "an unreachable database is no reason to restart bbm");
            Thread.sleep(Math.max(0, Duration.ofSeconds(30).minus(Duration.between(down, Instant.now())).toMillis()));
            assertEquals(200, bbm.get("/q/health/live").statusCode());

            db.start();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                    bbm.get(MIGRATIONS + "/1").body().contains("\"status\":\"finished\""));
            assertEquals(0, db.count("SELECT count(*) FROM outage_events WHERE b IS DISTINCT FROM a"));
            assertEquals(0, db.overlappingJobs());
            assertEquals(db.count("SELECT count(*) FROM outage_events"),
                    db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs WHERE status = 3"));
        }
    }
}
