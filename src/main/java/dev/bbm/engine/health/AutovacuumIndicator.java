package dev.bbm.engine.health;

import dev.bbm.db.Identifiers;
import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** GitLab's {@code AutovacuumActiveOnTable}: an autovacuum worker is processing the migration's table. */
final class AutovacuumIndicator implements HealthIndicator {

    static final String NAME = "autovacuum";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<HealthSignal> evaluate(SqlClient client, BatchedMigration migration) {
        // The worker's query reads "autovacuum: VACUUM [ANALYZE] schema.table [(to prevent wraparound)]".
        return client.preparedQuery("""
                        SELECT a.query FROM pg_stat_activity a
                        WHERE a.backend_type = 'autovacuum worker' AND a.query LIKE 'autovacuum:%'
                          AND a.query LIKE '%' || (SELECT n.nspname || '.' || c.relname FROM pg_class c
                                 JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)) || '%'
                        LIMIT 1""")
                .execute(Tuple.of(Identifiers.quoteTableName(migration.tableName())))
                .map(rows -> rows.iterator().hasNext()
                        ? new HealthSignal.Stop(
                                NAME,
                                "autovacuum is running on " + migration.tableName() + ": "
                                        + rows.iterator().next().getString("query"))
                        : new HealthSignal.Normal(NAME));
    }
}
