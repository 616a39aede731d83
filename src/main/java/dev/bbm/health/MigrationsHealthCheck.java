package dev.bbm.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import dev.bbm.migration.MigrationStatus;

/**
 * The upgrade gate: DOWN while any migration (in scope) is not finished or finalized, so that a
 * Kubernetes readiness probe or an upgrade job can wait for the data to be ready. Alone in the
 * health group {@code migrations} ({@code /q/health/group/migrations}).
 */
@Readiness
@HealthGroup(MigrationsHealthCheck.GROUP)
@ApplicationScoped
public class MigrationsHealthCheck implements AsyncHealthCheck {

    public static final String NAME = "batched-background-migrations";
    public static final String GROUP = "migrations";
    static final int LISTED_UNFINISHED = 10;

    private final Pool pool;
    private final HealthConfig config;

    public MigrationsHealthCheck(Pool pool, HealthConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String[] jobClasses = config.requiredJobClasses().map(l -> l.toArray(String[]::new)).orElse(null);
        String scope = " WHERE ($1::text[] IS NULL OR job_class_name = ANY($1::text[]))";
        Uni<Map<String, Long>> counts = pool.preparedQuery("SELECT status, count(*) AS n FROM batched_background_migrations"
                + scope + " GROUP BY status").execute(Tuple.of(jobClasses)).map(rows -> {
                    Map<String, Long> byStatus = new TreeMap<>();
                    rows.forEach(row -> byStatus.put(MigrationStatus.fromCode(row.getInteger("status")).apiName(), row.getLong("n")));
                    return byStatus;
                });
        Uni<List<String>> unfinished = pool.preparedQuery("SELECT id, job_class_name, table_name, column_name, status"
                + " FROM batched_background_migrations" + scope + " AND status NOT IN (3, 6) ORDER BY id LIMIT "
                + LISTED_UNFINISHED).execute(Tuple.of(jobClasses)).map(rows -> {
                    List<String> listed = new ArrayList<>();
                    for (Row row : rows) {
                        listed.add(row.getLong("id") + " " + row.getString("job_class_name") + " on "
                                + row.getString("table_name") + "." + row.getString("column_name") + " ("
                                + MigrationStatus.fromCode(row.getInteger("status")).apiName() + ")");
                    }
                    return listed;
                });
        return Uni.combine().all().unis(counts, unfinished).asTuple().map(result -> {
            long open = result.getItem1().entrySet().stream()
                    .filter(e -> !MigrationStatus.fromApiName(e.getKey()).orElseThrow().isDone())
                    .mapToLong(Map.Entry::getValue).sum();
            HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                    .status(open == 0 || config.gate() == HealthConfig.Gate.NONE)
                    .withData("unfinished", open)
                    .withData("gate", config.gate().name().toLowerCase());
            result.getItem1().forEach(response::withData);
            for (int i = 0; i < result.getItem2().size(); i++) {
                response.withData("unfinished_" + (i + 1), result.getItem2().get(i));
            }
            return response.build();
        }).onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                .withData("reason", "The database cannot be read: " + e.getMessage()).build());
    }
}
