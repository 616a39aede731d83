package dev.bbm.health;

import dev.bbm.migration.BatchedMigration;
import dev.bbm.service.MigrationService;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

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

    private final MigrationService migrations;
    private final HealthConfig config;

    public MigrationsHealthCheck(MigrationService migrations, HealthConfig config) {
        this.migrations = migrations;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return migrations
                .gate(config.requiredJobClasses().orElse(null), LISTED_UNFINISHED)
                .map(gate -> {
                    long open = gate.byStatus().entrySet().stream()
                            .filter(e -> !e.getKey().isDone())
                            .mapToLong(Map.Entry::getValue)
                            .sum();
                    HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                            .status(open == 0 || config.gate() == HealthConfig.Gate.NONE)
                            .withData("unfinished", open)
                            .withData("gate", config.gate().name().toLowerCase());
                    Map<String, Long> byName = new TreeMap<>();
                    gate.byStatus().forEach((status, count) -> byName.put(status.apiName(), count));
                    byName.forEach(response::withData);
                    for (int i = 0; i < gate.unfinished().size(); i++) {
                        BatchedMigration m = gate.unfinished().get(i);
                        response.withData(
                                "unfinished_" + (i + 1),
                                m.id() + " " + m.jobClassName() + " on " + m.tableName() + "." + m.columnName() + " ("
                                        + m.status().apiName() + ")");
                    }
                    return response.build();
                })
                .onFailure()
                .recoverWithItem(e -> HealthCheckResponse.named(NAME)
                        .down()
                        .withData("reason", "The database cannot be read: " + e.getMessage())
                        .build());
    }
}
