package dev.bbm.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
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
    }
}
