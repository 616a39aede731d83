package dev.bbm.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The settings every replica reads at each tick, from {@code bbm_application_settings}. */
@ApplicationScoped
public class SettingsRepository {

    /**
     * @param impactBudgetPercent how much slower the application may get while bbm migrates, in
     *                            percent; 0 when the migrations keep their own paces
     */
    public record Settings(int maxRunningMigrations, boolean executeOnSchedule, int impactBudgetPercent) {}

    public Uni<Settings> get(SqlClient client) {
        return client.query(
                        "SELECT database_max_running_batched_background_migrations AS max_running,"
                                + " execute_batched_migrations_on_schedule AS execute,"
                                + " batched_migrations_impact_budget_percent AS budget FROM bbm_application_settings WHERE id = 1")
                .execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Settings(
                            row.getInteger("max_running"), row.getBoolean("execute"), row.getInteger("budget"));
                });
    }

    public Uni<Settings> update(SqlClient client, Integer maxRunning, Boolean execute, Integer impactBudgetPercent) {
        return client.preparedQuery("UPDATE bbm_application_settings SET"
                        + " database_max_running_batched_background_migrations = coalesce($1, database_max_running_batched_background_migrations),"
                        + " execute_batched_migrations_on_schedule = coalesce($2, execute_batched_migrations_on_schedule),"
                        + " batched_migrations_impact_budget_percent = coalesce($3, batched_migrations_impact_budget_percent),"
                        + " updated_at = now() WHERE id = 1")
                .execute(Tuple.of(maxRunning, execute, impactBudgetPercent))
                .flatMap(ignored -> get(client));
    }
}
