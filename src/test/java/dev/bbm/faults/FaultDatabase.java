package dev.bbm.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A PostgreSQL the test owns, so that it can stop and start it under running bbm processes. */
final class FaultDatabase implements AutoCloseable {

    /**
     * The application name of the test's own sessions: every session without it is bbm's, which
     * is how triggers tell bbm's changes from the test's and how bbm's sessions are found to be cut.
     */
    static final String TEST_SESSIONS = "fault-test";

    private final Path dataDir;
    private final int port;
    private volatile EmbeddedPostgres postgres;

    FaultDatabase(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    FaultDatabase start() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("max_connections", "200")
                .start();
        return this;
    }

    /** A fast shutdown: every session is cut, as when the server restarts or the network drops. */
    void stop() throws IOException {
        postgres.close();
        postgres = null;
    }

    boolean isUp() {
        return postgres != null;
    }

    String reactiveUrl() {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }

    void exec(String sql) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String text(String sql) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every row of a query, each as its columns' values in order. */
    List<List<Object>> rows(String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(meta.getColumnCount());
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    Connection connect() throws Exception {
        return connect(TEST_SESSIONS);
    }

    /** A session of the test's, named {@code applicationName} (which must start with {@link #TEST_SESSIONS}). */
    Connection connect(String applicationName) throws Exception {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&ApplicationName=" + applicationName);
    }

    /**
     * Cuts bbm's sessions, as a failover or a DBA's {@code pg_terminate_backend} would: all of
     * them, or only those in the middle of a statement or transaction.
     *
     * @return how many were terminated
     */
    long terminateBbmSessions(boolean busyOnly) throws Exception {
        return count("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                + " AND application_name NOT LIKE '" + TEST_SESSIONS + "%'" + (busyOnly ? " AND state <> 'idle'" : ""));
    }

    /** Holds an ACCESS EXCLUSIVE lock on {@code table} for {@code millis}, as a DDL or VACUUM FULL would. */
    void holdExclusiveLock(String table, long millis) throws Exception {
        try (Connection c = connect(TEST_SESSIONS + "-lock");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            Thread.sleep(millis);
            c.rollback();
        }
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
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                SELECT worker, migration, count(*), min(started_at)::time, max(finished_at)::time FROM (
                    SELECT metrics->>'worker' AS worker, batched_background_migration_id AS migration, started_at, finished_at,
                           row_number() OVER (PARTITION BY batched_background_migration_id ORDER BY id)
                           - row_number() OVER (PARTITION BY batched_background_migration_id, metrics->>'worker' ORDER BY id) AS stretch
                      FROM batched_background_migration_jobs) j
                 GROUP BY worker, migration, stretch ORDER BY min(started_at)""")) {
            while (rs.next()) {
                out.append(rs.getString(1))
                        .append(" | ")
                        .append(rs.getLong(2))
                        .append(" | ")
                        .append(rs.getLong(3))
                        .append(" | ")
                        .append(rs.getString(4))
                        .append(" | ")
                        .append(rs.getString(5))
                        .append('\n');
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
