package dev.bbm.support;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Runs the tests against an external PostgreSQL when {@code BBM_TEST_DATABASE_URL} names one
 * (for example {@code postgresql://postgres@127.0.0.1:5432/test}); otherwise the embedded one.
 */
public class ExternalDatabaseConfigSource implements ConfigSource {

    static final String ENV = "BBM_TEST_DATABASE_URL";

    private final Map<String, String> values;

    public ExternalDatabaseConfigSource() {
        String url = System.getenv(ENV);
        values = url == null || url.isBlank() ? Map.of() : Map.of("quarkus.datasource.reactive.url", url);
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
