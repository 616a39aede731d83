package dev.bbm.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** bbm's own settings; every one can be set in the environment ({@code BBM_…}). */
@ConfigMapping(prefix = "bbm")
public interface BbmConfig {

    /** The one source of these defaults: the embedded default reads them before CDI exists. */
    String DEFAULT_DATA_DIR = "data";

    int DEFAULT_EMBEDDED_PORT = 15432;

    /** Where bbm keeps its files: the embedded database and a generated admin token. */
    @WithDefault(DEFAULT_DATA_DIR)
    String dataDir();

    Security security();

    Embedded embedded();

    /**
     * The databases bbm serves besides {@code main} (Quarkus' datasource), by the names operators
     * use: {@code bbm.databases.ci.url} ({@code BBM_DATABASES_CI_URL}) adds {@code ci}.
     * {@code bbm.databases.main.*} gives {@code main} the same way (read before CDI exists, by
     * {@code EmbeddedPostgresConfigSourceFactory}).
     */
    Map<String, Database> databases();

    interface Database {
        /** A {@code postgresql://host:port/database} URL (credentials may be part of it). */
        String url();

        Optional<String> username();

        Optional<String> password();

        /** Connections of its pool at most. */
        @WithDefault("20")
        int maxPoolSize();

        /** A database at {@code url} with the defaults: credentials in the URL, a pool of 20. */
        static Database at(String url) {
            return new Database() {
                @Override
                public String url() {
                    return url;
                }

                @Override
                public Optional<String> username() {
                    return Optional.empty();
                }

                @Override
                public Optional<String> password() {
                    return Optional.empty();
                }

                @Override
                public int maxPoolSize() {
                    return 20;
                }
            };
        }
    }

    interface Security {
        /** Tokens that may read and change migrations (comma-separated). */
        Optional<List<String>> adminTokens();

        /** Tokens that may only read (GET). */
        Optional<List<String>> readTokens();
    }

    /** Read by {@code EmbeddedPostgresConfigSourceFactory} before CDI exists; listed here to document them. */
    interface Embedded {
        /** Start an embedded PostgreSQL when no datasource URL is configured. */
        @WithDefault("true")
        boolean enabled();

        /** Its data directory; by default {@code <data-dir>/postgres}. */
        Optional<String> dataDir();

        /** Its port on 127.0.0.1; 0 picks a free one. */
        @WithDefault("" + DEFAULT_EMBEDDED_PORT)
        int port();

        /**
         * More databases to create on the embedded server and serve under their names
         * ({@code ci}): the embedded server plays a GitLab installation with several databases.
         */
        Optional<List<String>> databases();
    }
}
