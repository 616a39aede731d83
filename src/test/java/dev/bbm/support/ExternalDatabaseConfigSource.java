package dev.bbm.support;

import dev.bbm.config.DatabaseUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Runs the tests against an external PostgreSQL when {@code BBM_TEST_DATABASE_URL} names one
 * (for example {@code postgresql://postgres@127.0.0.1:5432/test}); otherwise the embedded one. As
 * on the embedded server, the tests' second database {@code ci} is another database of that
 * server ({@code test_ci}), created when it is missing.
 */
public class ExternalDatabaseConfigSource implements ConfigSource {

    static final String ENV = "BBM_TEST_DATABASE_URL";

    private final Map<String, String> values;

    public ExternalDatabaseConfigSource() {
        String url = System.getenv(ENV);
        if (url == null || url.isBlank()) {
            values = Map.of();
            return;
        }
        String ci = url.replaceFirst("^[a-z:-]+//[^/?]*/([^/?]+).*$", "$1") + "_ci";
        createIfMissing(url, ci);
        values = Map.of(
                "quarkus.datasource.reactive.url", url, "bbm.databases.ci.url", DatabaseUrls.onDatabase(url, ci));
    }

    private static void createIfMissing(String url, String database) {
        try (Connection connection = DriverManager.getConnection(DatabaseUrls.toJdbcUrl(url));
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("CREATE DATABASE \"" + database + "\"");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the tests' ci database " + database + " beside " + url, e);
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "bbm-test-external-database";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
