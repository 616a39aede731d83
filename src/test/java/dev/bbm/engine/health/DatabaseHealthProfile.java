package dev.bbm.engine.health;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Thresholds low enough to provoke in a test, and short holds. */
public class DatabaseHealthProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "bbm.database-health.hold-time", "PT2S",
                "bbm.database-health.evaluate-every", "PT0S",
                "bbm.database-health.long-transaction.max-age", "PT2S",
                "bbm.database-health.replication-lag.max-slot-retained-bytes", "1048576");
    }
}
