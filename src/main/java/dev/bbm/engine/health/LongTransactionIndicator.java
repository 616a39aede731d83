package dev.bbm.engine.health;

import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;

/**
 * The oldest open transaction that holds back the xmin horizon: while it lives, VACUUM cannot
 * remove the row versions each batch leaves behind, and the table bloats.
 */
final class LongTransactionIndicator implements HealthIndicator {

    static final String NAME = "long_transaction";
    private final Duration maxAge;

    LongTransactionIndicator(Duration maxAge) {
        this.maxAge = maxAge;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<HealthSignal> evaluate(SqlClient client, BatchedMigration migration) {
        return client.query("""
                SELECT pid, extract(epoch FROM now() - xact_start)::float8 AS seconds, age(backend_xmin) AS xmin_age, state
                FROM pg_stat_activity
                WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()
                  AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)
                ORDER BY xact_start LIMIT 1
                """).execute().map(rows -> {
            if (!rows.iterator().hasNext()) {
                return new HealthSignal.Normal(NAME);
            }
            Row row = rows.iterator().next();
            double seconds = row.getDouble("seconds");
            if (seconds > maxAge.toMillis() / 1000.0) {
                return new HealthSignal.Stop(
                        NAME,
                        String.format(
                                "transaction of pid %d has been open %.0f s (%s, xmin age %s)," + " more than %s",
                                row.getInteger("pid"),
                                seconds,
                                row.getString("state"),
                                row.getValue("xmin_age"),
                                maxAge));
            }
            return new HealthSignal.Normal(NAME);
        });
    }
}
