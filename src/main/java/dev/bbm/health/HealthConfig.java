package dev.bbm.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the readiness gate waits for. */
@ConfigMapping(prefix = "bbm.health")
public interface HealthConfig {

    enum Gate {
        /** Readiness is DOWN while any migration is unfinished. */
        ALL,
        /** Migrations never hold readiness (the check reports, but stays UP). */
        NONE
    }

    @WithDefault("all")
    Gate gate();

    /** When set, only migrations of these job classes hold readiness. */
    Optional<List<String>> requiredJobClasses();

    /** Liveness is DOWN when the scheduler has not ticked for this long. */
    @WithDefault("60s")
    Duration schedulerStallAfter();
}
