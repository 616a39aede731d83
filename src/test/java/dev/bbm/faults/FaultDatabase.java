package dev.bbm.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** A PostgreSQL the test owns, so that it can stop and start it under running bbm processes. */
final class FaultDatabase implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    FaultDatabase(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    FaultDatabase start() throws IOException {
        postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("max_connections", "200").start();
        return this;
    }

    /** A fast shutdown: every session is cut, as when the server restarts or the network drops. */
    void stop() throws IOException {
        postgres.close();
        postgres = null;
    }

    String reactiveUrl() {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }

    void exec(String sql) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String text(String sql) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
    }

    /** Job ranges of one migration that overlap another's: must stay zero whatever happens. */
    long overlappingJobs() throws Exception {
        return count("""
                SELECT count(*) FROM batched_background_migration_jobs x JOIN batched_background_migration_jobs y
                  ON x.batched_background_migration_id = y.batched_background_migration_id AND x.id < y.id
                 AND int8range(x.min_value, x.max_value, '[]') && int8range(y.min_value, y.max_value, '[]')""");
    }

    /**
     * Who ran what when, one line per stretch of consecutive jobs a worker ran for one migration:
     * printed when a test about sharing the work fails, so that its log shows the schedule.
     */
    String timeline() throws Exception {
        StringBuilder out = new StringBuilder("worker | migration | jobs | from | to\n");
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT worker, migration, count(*), min(started_at)::time, max(finished_at)::time FROM (
                    SELECT metrics->>'worker' AS worker, batched_background_migration_id AS migration, started_at, finished_at,
                           row_number() OVER (PARTITION BY batched_background_migration_id ORDER BY id)
                           - row_number() OVER (PARTITION BY batched_background_migration_id, metrics->>'worker' ORDER BY id) AS stretch
                      FROM batched_background_migration_jobs) j
                 GROUP BY worker, migration, stretch ORDER BY min(started_at)""")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append(" | ").append(rs.getLong(2)).append(" | ").append(rs.getLong(3))
                        .append(" | ").append(rs.getString(4)).append(" | ").append(rs.getString(5)).append('\n');
            }
        }
        return out.toString();
    }

    void createCopyTable(String table, int rows) throws Exception {
        exec("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, a integer, b bigint)");
        exec("INSERT INTO " + table + " (a) SELECT g FROM generate_series(1, " + rows + ") g");
        exec("DELETE FROM " + table + " WHERE id % 13 = 0");
    }

    static String copy(String table, String extra) {
        return "{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"table_name\":\"" + table
                + "\",\"column_name\":\"id\",\"job_arguments\":[[\"a\"],[\"b\"]]," + extra + "}";
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            stop();
        }
    }
}
