package dev.bbm.embedded;

import dev.bbm.config.BbmConfig;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
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

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String reactiveUrl = value(context, REACTIVE_URL);
        String jdbcUrl = value(context, JDBC_URL);
        if (reactiveUrl != null && jdbcUrl == null) {
            return List.of(new LazySource(Map.of(JDBC_URL, () -> toJdbcUrl(reactiveUrl))));
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
        return List.of(new LazySource(Map.of(
                REACTIVE_URL, () -> server.get().reactiveUrl(),
                JDBC_URL, () -> server.get().jdbcUrl())));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /**
     * {@code postgresql://user:secret@host:5432/db?x=y} becomes
     * {@code jdbc:postgresql://host:5432/db?x=y&user=user&password=secret}: the JDBC driver does not
     * read credentials from the authority. Configured credentials still take precedence.
     */
    static String toJdbcUrl(String reactiveUrl) {
        String url = reactiveUrl.replaceFirst("^(postgresql|postgres|vertx-reactive:postgresql)://", "");
        int at = url.indexOf('@');
        int slash = url.indexOf('/');
        if (at < 0 || (slash >= 0 && at > slash)) {
            return "jdbc:postgresql://" + url;
        }
        String userInfo = url.substring(0, at);
        url = url.substring(at + 1);
        int colon = userInfo.indexOf(':');
        String credentials = "user=" + (colon < 0 ? userInfo : userInfo.substring(0, colon))
                + (colon < 0 ? "" : "&password=" + userInfo.substring(colon + 1));
        return "jdbc:postgresql://" + url + (url.contains("?") ? "&" : "?") + credentials;
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
