package dev.bbm.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three bbm processes on one database with several migrations queued: every key range is
 * processed exactly once, the replicas work side by side, and killing one loses nothing.
 */
class ThreeReplicasIT {

    private static final String MIGRATIONS = "/api/v4/admin/batched_background_migrations";
    private static final List<String> TABLES = List.of("replica_a", "replica_b", "replica_c", "replica_d");

    @TempDir
    Path dir;

    @Test
    void threeReplicasShareTheWorkExactlyOnceAndSurviveTheLossOfOne() throws Exception {
        try (FaultDatabase db = new FaultDatabase(dir.resolve("pg")).start()) {
            List<BbmProcess> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Path replicaDir = Files.createDirectories(dir.resolve("replica-" + i));
                    // Short leases, so that the replicas take turns within the test's time.
                    replicas.add(new BbmProcess(replicaDir)
                            .database(db.reactiveUrl())
                            .with("bbm.engine.max-lease-time=PT2S")
                            .start());
                }
                BbmProcess first = replicas.get(0);
                assertEquals(
                        200,
                        first.put(
                                        "/api/v4/application/settings",
                                        "{\"database_max_running_batched_background_migrations\": 4}")
                                .statusCode());
                for (String table : TABLES) {
                    db.createCopyTable(table, 60_000);
                    var queued = first.post(
                            MIGRATIONS,
                            FaultDatabase.copy(
                                    table,
                                    "\"batch_size\":500,\"sub_batch_size\":100,\"interval\":0,\"pause_ms\":20,\"optimize\":false"));
                    assertEquals(201, queued.statusCode(), queued.body());
                }

                // Once two replicas have run batches, kill one in the middle of a batch.
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> db.count(
                                                "SELECT count(DISTINCT metrics->>'worker') FROM batched_background_migration_jobs")
                                        >= 2
                                && db.count("SELECT count(*) FROM batched_background_migration_jobs WHERE status = 1")
                                        > 0);
                String worker = db.text(
                        "SELECT metrics->>'worker' FROM batched_background_migration_jobs WHERE status = 1 LIMIT 1");
                BbmProcess victim = replicas.stream()
                        .filter(r -> worker != null && worker.endsWith(":" + r.pid()))
                        .findFirst()
                        .orElse(replicas.get(0));
                victim.kill();

                await().atMost(Duration.ofSeconds(180))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> db.count("SELECT count(*) FROM batched_background_migrations WHERE status = 3")
                                == TABLES.size());

                assertTrue(
                        db.count("SELECT count(DISTINCT metrics->>'worker') FROM batched_background_migration_jobs")
                                >= 2,
                        db.timeline());
                assertEquals(0, db.overlappingJobs(), "no key range was given to two batches");
                for (String table : TABLES) {
                    assertEquals(0, db.count("SELECT count(*) FROM " + table + " WHERE b IS DISTINCT FROM a"));
                }
                assertEquals(
                        db.count("SELECT (SELECT count(*) FROM replica_a) + (SELECT count(*) FROM replica_b)"
                                + " + (SELECT count(*) FROM replica_c) + (SELECT count(*) FROM replica_d)"),
                        db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs WHERE status = 3"));
                // The replicas ran batches of different migrations at the same time.
                assertTrue(db.count("""
                        SELECT count(*) FROM batched_background_migration_jobs x JOIN batched_background_migration_jobs y
                          ON x.metrics->>'worker' <> y.metrics->>'worker'
                         AND x.batched_background_migration_id <> y.batched_background_migration_id
                         AND tstzrange(x.started_at, x.finished_at) && tstzrange(y.started_at, y.finished_at)""") > 0, db.timeline());
                System.out.println(db.timeline());
            } finally {
                for (BbmProcess replica : replicas) {
                    replica.close();
                }
            }
        }
    }
}
