package dev.bbm.engine.health;

import dev.bbm.db.Identifiers;
import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Sessions queued for a lock on the migration's table: a batch would only lengthen their wait. */
final class LockWaitsIndicator implements HealthIndicator {

    static final String NAME = "lock_waits";
    private final int maxWaiting;

    LockWaitsIndicator(int maxWaiting) {
        this.maxWaiting = maxWaiting;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<HealthSignal> evaluate(SqlClient client, BatchedMigration migration) {
        return client.preparedQuery("SELECT count(*) AS waiting, string_agg(DISTINCT mode, ', ') AS modes FROM pg_locks"
                        + " WHERE NOT granted AND relation = to_regclass($1) AND pid <> pg_backend_pid()")
                .execute(Tuple.of(Identifiers.quoteTableName(migration.tableName())))
                .map(rows -> {
                    var row = rows.iterator().next();
                    long waiting = row.getLong("waiting");
                    return waiting > maxWaiting
                            ? new HealthSignal.Stop(
                                    NAME,
                                    waiting + " session(s) wait for " + row.getString("modes") + " on "
                                            + migration.tableName())
                            : new HealthSignal.Normal(NAME);
                });
    }
}
