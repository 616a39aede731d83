package dev.bbm.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The settings every replica reads at each tick, from {@code bbm_application_settings}. */
@ApplicationScoped
public class SettingsRepository {

    public record Settings(int maxRunningMigrations, boolean executeOnSchedule) {}

    public Uni<Settings> get(SqlClient client) {
        return client.query(
                        "SELECT database_max_running_batched_background_migrations AS max_running,"
                                + " execute_batched_migrations_on_schedule AS execute FROM bbm_application_settings WHERE id = 1")
                .execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Settings(row.getInteger("max_running"), row.getBoolean("execute"));
                });
    }

    public Uni<Settings> update(SqlClient client, Integer maxRunning, Boolean execute) {
        return client.preparedQuery("UPDATE bbm_application_settings SET"
                        + " database_max_running_batched_background_migrations = coalesce($1, database_max_running_batched_background_migrations),"
                        + " execute_batched_migrations_on_schedule = coalesce($2, execute_batched_migrations_on_schedule),"
                        + " updated_at = now() WHERE id = 1")
                .execute(Tuple.of(maxRunning, execute))
                .flatMap(ignored -> get(client));
    }
}
