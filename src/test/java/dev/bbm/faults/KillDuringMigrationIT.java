package dev.bbm.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bbm process killed with SIGKILL in the middle of a batch, on the embedded default, then
 * started again: the queued migration is still there, the dead job is recovered, and the
 * migration finishes with every row copied once and no job range overlapping another.
 */
class KillDuringMigrationIT {

    private static final String MIGRATIONS = "/api/v4/admin/batched_background_migrations";

    @TempDir
    Path dataDir;

    @Test
    void aMigrationResumesAfterTheProcessIsKilledMidBatchAndFinishesWithCorrectData() throws Exception {
        try (BbmProcess bbm = new BbmProcess(dataDir).start()) {
            sql(bbm, "CREATE TABLE kill_events (id bigserial PRIMARY KEY, a integer, b bigint)");
            sql(bbm, "INSERT INTO kill_events (a) SELECT g FROM generate_series(1, 20000) g");
            sql(bbm, "DELETE FROM kill_events WHERE id % 11 = 0");
            var queued = bbm.post(
                    MIGRATIONS,
                    "{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\","
                            + "\"table_name\":\"kill_events\",\"column_name\":\"id\",\"job_arguments\":[[\"a\"],[\"b\"]],"
                            + "\"batch_size\":1000,\"sub_batch_size\":100,\"interval\":0,\"pause_ms\":100}");
            assertEquals(201, queued.statusCode(), queued.body());

            // Kill it while a batch is under way: one or two of its ten sub-batches committed (the
            // server stops the work it was running within a quarter of a second of the kill).
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() ->
                            count(bbm, "SELECT count(*) FROM batched_background_migration_jobs WHERE status = 3") >= 2
                                    && count(
                                                    bbm,
                                                    "SELECT count(*) FROM batched_background_migration_jobs WHERE status = 1"
                                                            + " AND processed_until < min_value + 250")
                                            == 1);
            bbm.kill();

            bbm.start();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> bbm.get(MIGRATIONS + "/1").body().contains("\"status\":\"finished\""));

            assertEquals(0, count(bbm, "SELECT count(*) FROM kill_events WHERE b IS DISTINCT FROM a"));
            assertEquals(0, count(bbm, """
                    SELECT count(*) FROM batched_background_migration_jobs x JOIN batched_background_migration_jobs y
                      ON x.id < y.id AND int8range(x.min_value, x.max_value, '[]') && int8range(y.min_value, y.max_value, '[]')"""));
            assertEquals(
                    1,
                    count(
                            bbm,
                            "SELECT count(*) FROM batched_background_migration_job_transition_logs"
                                    + " WHERE exception_class = 'WorkerLost'"));
            assertEquals(
                    count(bbm, "SELECT count(*) FROM kill_events"),
                    count(bbm, "SELECT sum(batch_size) FROM batched_background_migration_jobs"));
            assertTrue(
                    Files.readString(bbm.log()).contains("Stopping the orphaned embedded PostgreSQL"),
                    "the restart stopped the PostgreSQL the killed process left behind");
        }
    }

    private static void sql(BbmProcess bbm, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(bbm.jdbcUrl());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(BbmProcess bbm, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(bbm.jdbcUrl());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
