package dev.bbm.engine.health;

import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Evaluates the enabled indicators before a batch (GitLab's {@code HealthStatus.evaluate}). The
 * first Stop holds the migration; an indicator that fails is Unknown, logged, and ignored.
 */
public final class DatabaseHealth {

    private static final Logger LOG = Logger.getLogger(DatabaseHealth.class);

    private final List<HealthIndicator> indicators;

    public DatabaseHealth(List<HealthIndicator> indicators) {
        this.indicators = List.copyOf(indicators);
    }

    public static DatabaseHealth from(DatabaseHealthConfig config) {
        List<HealthIndicator> enabled = new ArrayList<>();
        if (config.enabled()) {
            if (config.autovacuum().enabled()) {
                enabled.add(new AutovacuumIndicator());
            }
            if (config.walArchive().enabled()) {
                enabled.add(new WalArchiveIndicator(config.walArchive().maxReadyFiles()));
            }
            if (config.replicationLag().enabled()) {
                enabled.add(new ReplicationLagIndicator(
                        config.replicationLag().maxReplayLag(),
                        config.replicationLag().maxSlotRetainedBytes()));
            }
            if (config.longTransaction().enabled()) {
                enabled.add(
                        new LongTransactionIndicator(config.longTransaction().maxAge()));
            }
            if (config.lockWaits().enabled()) {
                enabled.add(new LockWaitsIndicator(config.lockWaits().maxWaiting()));
            }
        }
        return new DatabaseHealth(enabled);
    }

    /** The first Stop, if any indicator says so. */
    public Uni<Optional<HealthSignal.Stop>> evaluate(SqlClient client, BatchedMigration migration) {
        if (indicators.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        // All asked at once: on one connection they are pipelined, one round trip for them all.
        List<Uni<HealthSignal>> signals = indicators.stream()
                .map(indicator -> indicator
                        .evaluate(client, migration)
                        .onFailure()
                        .recoverWithItem(e -> {
                            LOG.warnf("Health indicator %s failed, ignored: %s", indicator.name(), e.getMessage());
                            return new HealthSignal.Unknown(indicator.name(), String.valueOf(e.getMessage()));
                        }))
                .toList();
        return Uni.join()
                .all(signals)
                .andFailFast()
                .map(all -> all.stream()
                        .filter(signal -> signal instanceof HealthSignal.Stop)
                        .map(signal -> (HealthSignal.Stop) signal)
                        .findFirst());
    }
}
