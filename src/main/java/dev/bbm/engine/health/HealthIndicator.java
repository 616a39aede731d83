package dev.bbm.engine.health;

import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/** One way of telling whether the database can take another batch of this migration now. */
public interface HealthIndicator {

    /** The name shown in holds and metrics, e.g. {@code autovacuum}. */
    String name();

    /** Evaluates the indicator; a failure is turned into {@link HealthSignal.Unknown} by the caller. */
    Uni<HealthSignal> evaluate(SqlClient client, BatchedMigration migration);
}
