package dev.bbm.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The admin pages ({@code /admin/background_migrations}): how their sign-in sessions work. */
@ConfigMapping(prefix = "bbm.ui")
public interface UiConfig {

    /**
     * The key that signs session cookies ({@code BBM_UI_SESSION_SECRET}). Every replica behind one
     * load balancer must use the same key; without one it is derived from the configured tokens,
     * which the replicas share, so that changing a token also ends every session.
     */
    Optional<String> sessionSecret();

    /** How long a sign-in lasts. */
    @WithDefault("PT8H")
    Duration sessionDuration();
}
