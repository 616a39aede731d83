package dev.bbm.engine.health;

import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;

/**
 * Standbys that fall behind: the largest replay lag in {@code pg_stat_replication}, and the WAL
 * a physical replication slot holds back (a standby that is disconnected or far behind).
 */
final class ReplicationLagIndicator implements HealthIndicator {

    static final String NAME = "replication_lag";
    private final Duration maxReplayLag;
    private final long maxSlotRetainedBytes;

    ReplicationLagIndicator(Duration maxReplayLag, long maxSlotRetainedBytes) {
        this.maxReplayLag = maxReplayLag;
        this.maxSlotRetainedBytes = maxSlotRetainedBytes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<HealthSignal> evaluate(SqlClient client, BatchedMigration migration) {
        return client.query("""
                SELECT pg_is_in_recovery() AS standby,
                       (SELECT max(extract(epoch FROM replay_lag)) FROM pg_stat_replication)::float8 AS lag_seconds,
                       (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)) FROM pg_replication_slots
                        WHERE slot_type = 'physical' AND restart_lsn IS NOT NULL)::bigint AS retained,
                       (SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'physical' AND restart_lsn IS NOT NULL
                        ORDER BY restart_lsn LIMIT 1) AS slot
                """).execute().map(rows -> {
            Row row = rows.iterator().next();
            if (Boolean.TRUE.equals(row.getBoolean("standby"))) {
                return new HealthSignal.NotAvailable(NAME);
            }
            Double lag = row.getDouble("lag_seconds");
            if (lag != null && lag > maxReplayLag.toMillis() / 1000.0) {
                return new HealthSignal.Stop(
                        NAME, String.format("a standby replays %.1f s behind (more than %s)", lag, maxReplayLag));
            }
            Long retained = row.getLong("retained");
            if (retained != null && retained > maxSlotRetainedBytes) {
                return new HealthSignal.Stop(
                        NAME,
                        "replication slot " + row.getString("slot") + " holds back " + retained
                                + " bytes of WAL (more than " + maxSlotRetainedBytes + ")");
            }
            return new HealthSignal.Normal(NAME);
        });
    }
}
