package dev.bbm.embedded;

import dev.bbm.config.BbmConfig;
import dev.bbm.config.DatabaseUrls;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies the datasource URLs when none is configured: by starting the embedded PostgreSQL on
 * first use (lazily, so a build or a configured database never starts it). With only a reactive
 * URL configured it derives the JDBC URL Flyway needs, and the other way round.
 *
 * <p>Its ordinal is low, so every explicit setting (application.properties, environment, system
 * properties) overrides it.
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    static final int ORDINAL = 50;
    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    static final String JDBC_URL = "quarkus.datasource.jdbc.url";

    /** Where bbm keeps its files (the embedded database, a generated admin token). */
    public static final String DATA_DIR = "bbm.data-dir";

    static final String EMBEDDED_ENABLED = "bbm.embedded.enabled";
    static final String EMBEDDED_DATA_DIR = "bbm.embedded.data-dir";
    static final String EMBEDDED_PORT = "bbm.embedded.port";
    static final String EMBEDDED_DATABASES = "bbm.embedded.databases";
    static final String MAIN_URL = "bbm.databases.main.url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String reactiveUrl = value(context, REACTIVE_URL);
        String jdbcUrl = value(context, JDBC_URL);
        String mainUrl = value(context, MAIN_URL);
        if (reactiveUrl == null && jdbcUrl == null && mainUrl != null) {
            return List.of(new LazySource(mainDatabase(context, mainUrl)));
        }
        if (reactiveUrl != null && jdbcUrl == null) {
            return List.of(new LazySource(Map.of(JDBC_URL, () -> DatabaseUrls.toJdbcUrl(reactiveUrl))));
        }
        if (jdbcUrl != null && reactiveUrl == null) {
            return List.of(new LazySource(Map.of(REACTIVE_URL, () -> jdbcUrl.substring("jdbc:".length()))));
        }
        if (reactiveUrl != null || "false".equalsIgnoreCase(value(context, EMBEDDED_ENABLED))) {
            return List.of();
        }
        String dataDir = orDefault(
                value(context, EMBEDDED_DATA_DIR),
                Path.of(orDefault(value(context, DATA_DIR), BbmConfig.DEFAULT_DATA_DIR), "postgres")
                        .toString());
        int port = Integer.parseInt(
                orDefault(value(context, EMBEDDED_PORT), String.valueOf(BbmConfig.DEFAULT_EMBEDDED_PORT)));
        Supplier<EmbeddedPostgresServer> server = () -> EmbeddedPostgresServer.startOrGet(Path.of(dataDir), port);
        Map<String, Supplier<String>> values = new HashMap<>();
        values.put(REACTIVE_URL, () -> server.get().reactiveUrl());
        values.put(JDBC_URL, () -> server.get().jdbcUrl());
        for (String name : embeddedDatabases(context)) {
            values.put(
                    "bbm.databases." + name + ".url",
                    () -> server.get().createDatabaseIfMissing(name).reactiveUrl(name));
        }
        return List.of(new LazySource(values));
    }

    /** {@code bbm.databases.main.*}: the datasource given the way every other database is. */
    private static Map<String, Supplier<String>> mainDatabase(ConfigSourceContext context, String url) {
        Map<String, Supplier<String>> values = new HashMap<>();
        values.put(REACTIVE_URL, () -> url);
        values.put(JDBC_URL, () -> DatabaseUrls.toJdbcUrl(url));
        String username = value(context, "bbm.databases.main.username");
        String password = value(context, "bbm.databases.main.password");
        if (username != null) {
            values.put("quarkus.datasource.username", () -> username);
        }
        if (password != null) {
            values.put("quarkus.datasource.password", () -> password);
        }
        return values;
    }

    /** {@code bbm.embedded.databases}: names of more databases on the embedded server. */
    private static List<String> embeddedDatabases(ConfigSourceContext context) {
        String names = value(context, EMBEDDED_DATABASES);
        if (names == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (String name : names.split(",")) {
            String trimmed = name.trim();
            if (!DatabaseUrls.NAME.matcher(trimmed).matches() || trimmed.equals("main")) {
                throw new IllegalArgumentException(EMBEDDED_DATABASES + ": \"" + trimmed
                        + "\" is not a database name bbm can serve (lower-case letters, digits and _, not main)");
            }
            result.add(trimmed);
        }
        return result;
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** Answers a fixed set of names, computing each value on first request. */
    private static final class LazySource implements ConfigSource {
        private final Map<String, Supplier<String>> values;

        LazySource(Map<String, Supplier<String>> values) {
            this.values = values;
        }

        /**
         * None listed: Quarkus records the values of every listed runtime property at build time,
         * which would start a server during the build and bake its URL into the application.
         */
        @Override
        public Set<String> getPropertyNames() {
            return Set.of();
        }

        @Override
        public String getValue(String propertyName) {
            Supplier<String> supplier = values.get(propertyName);
            return supplier == null ? null : supplier.get();
        }

        @Override
        public String getName() {
            return "bbm-embedded-postgres";
        }

        @Override
        public int getOrdinal() {
            return ORDINAL;
        }
    }
}
