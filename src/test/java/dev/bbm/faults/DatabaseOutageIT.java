package dev.bbm.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away for 30 s in the middle of a migration: bbm reports not ready with a
 * reason, stays alive, and finishes the migration by itself once the database is back. While it
 * is away, API calls are refused with 503 and the outage is logged once, not once per call.
 */
class DatabaseOutageIT {

    private static final String MIGRATIONS = "/api/v4/admin/batched_background_migrations";
    private static final String UNREACHABLE_LOGGED = "Database main is unreachable";
    private static final String REACHABLE_LOGGED = "Database main is reachable again";

    @TempDir
    Path dir;

    @Test
    void aMigrationSurvivesADatabaseOutageOfThirtySeconds() throws Exception {
        try (FaultDatabase db = new FaultDatabase(dir.resolve("pg")).start();
                BbmProcess bbm = new BbmProcess(dir).database(db.reactiveUrl()).start()) {
            db.createCopyTable("outage_events", 30_000);
            var queued = bbm.post(
                    MIGRATIONS,
                    FaultDatabase.copy(
                            "outage_events",
                            "\"batch_size\":1000,\"sub_batch_size\":100,\"interval\":0,\"pause_ms\":50,\"optimize\":false"));
            assertEquals(201, queued.statusCode(), queued.body());
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 3") >= 3);

            db.stop();
            Instant down = Instant.now();
            await().atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> bbm.get("/q/health/ready").statusCode() == 503);
            String readiness = bbm.get("/q/health/ready").body();
            assertTrue(readiness.contains("\"status\": \"DOWN\""), readiness);
            assertTrue(readiness.contains("PostgreSQL connections health check"), readiness);
            assertEquals(
                    200, bbm.get("/q/health/live").statusCode(), "an unreachable database is no reason to restart bbm");
            Thread.sleep(Math.max(
                    0,
                    Duration.ofSeconds(30)
                            .minus(Duration.between(down, Instant.now()))
                            .toMillis()));
            assertEquals(200, bbm.get("/q/health/live").statusCode());

            db.start();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> bbm.get(MIGRATIONS + "/1").body().contains("\"status\":\"finished\""));
            assertEquals(0, db.count("SELECT count(*) FROM outage_events WHERE b IS DISTINCT FROM a"));
            assertEquals(0, db.overlappingJobs());
            assertEquals(
                    db.count("SELECT count(*) FROM outage_events"),
                    db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs WHERE status = 3"));
        }
    }

    @Test
    void apiCallsDuringAnOutageAnswer503AndEachOutageIsLoggedOnce() throws Exception {
        try (FaultDatabase db = new FaultDatabase(dir.resolve("pg")).start();
                BbmProcess bbm = new BbmProcess(dir).database(db.reactiveUrl()).start()) {
            assertEquals(200, bbm.get(MIGRATIONS).statusCode());

            db.stop();
            for (int i = 0; i < 10; i++) {
                assertUnavailable(bbm.get(MIGRATIONS + "/1"));
                assertUnavailable(bbm.get("/api/v4/application/settings"));
                assertUnavailable(bbm.post(MIGRATIONS, FaultDatabase.copy("outage_events", "\"batch_size\":10")));
            }
            // The first refusal makes bbm look at the database (one SELECT 1), which logs the outage.
            await().atMost(Duration.ofSeconds(5)).until(() -> occurrences(bbm, UNREACHABLE_LOGGED) >= 1);
            assertEquals(1, occurrences(bbm, UNREACHABLE_LOGGED), "30 refused calls, one outage: " + log(bbm));

            db.start();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> bbm.get(MIGRATIONS).statusCode() == 200 && occurrences(bbm, REACHABLE_LOGGED) == 1);

            db.stop();
            assertUnavailable(bbm.get(MIGRATIONS + "/1"));
            assertUnavailable(bbm.get(MIGRATIONS));
            await().atMost(Duration.ofSeconds(5)).until(() -> occurrences(bbm, UNREACHABLE_LOGGED) >= 2);
            assertEquals(2, occurrences(bbm, UNREACHABLE_LOGGED), "a second outage is logged again: " + log(bbm));

            String log = log(bbm);
            assertFalse(log.contains(" ERROR "), "no ERROR for an unreachable database: " + log);
            assertFalse(log.contains("\tat "), "no stack trace for an unreachable database: " + log);
        }
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        String observed = response.statusCode() + " "
                + response.headers().firstValue("Content-Type").orElse("(none)") + " " + response.body();
        assertEquals(503, response.statusCode(), observed);
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                observed);
        assertTrue(response.body().contains("\"status\":503"), observed);
        assertTrue(response.body().contains("database is unreachable"), observed);
        assertFalse(
                response.body().matches("(?s).*(Exception|java\\.|io\\.vertx|dev\\.bbm|\\tat ).*"),
                "leaks Java: " + observed);
    }

    private static String log(BbmProcess bbm) throws Exception {
        return Files.readString(bbm.log());
    }

    private static long occurrences(BbmProcess bbm, String text) throws Exception {
        return log(bbm).lines().filter(line -> line.contains(text)).count();
    }
}
