package dev.bbm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesARestartAndTheServerRunsDurably() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.startOrGet(dataDir, 0);
        try (Connection c = DriverManager.getConnection(server.jdbcUrl());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int)");
            s.execute("INSERT INTO kept VALUES (42)");
            assertEquals("on", single(s, "SHOW fsync"));
            assertEquals("on", single(s, "SHOW synchronous_commit"));
            assertEquals("127.0.0.1", single(s, "SHOW listen_addresses"));
        }
        server.stop();

        EmbeddedPostgresServer restarted = EmbeddedPostgresServer.startOrGet(dataDir, 0);
        try (Connection c = DriverManager.getConnection(restarted.jdbcUrl());
                Statement s = c.createStatement()) {
            assertEquals("42", single(s, "SELECT id FROM kept"));
        } finally {
            restarted.stop();
        }
    }

    private static String single(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
