package dev.bbm.health;

import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.service.DatabaseServices;
import dev.bbm.service.MigrationService;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The upgrade gate: DOWN while any migration (in scope) of any database is not finished or
 * finalized, or a database cannot be read, so that a Kubernetes readiness probe or an upgrade job
 * can wait for the data to be ready. It names the database of each unfinished migration and each
 * database that is down. Alone in the health group {@code migrations}
 * ({@code /q/health/group/migrations}).
 */
@Readiness
@HealthGroup(MigrationsHealthCheck.GROUP)
@ApplicationScoped
public class MigrationsHealthCheck implements AsyncHealthCheck {

    public static final String NAME = "batched-background-migrations";
    public static final String GROUP = "migrations";
    static final int LISTED_UNFINISHED = 10;
    /** A database that does not answer by then is reported down (a probe's own timeout is short). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    /** One database's part of the answer: its gate view, or why it could not be read. */
    private record Seen(
            String database, MigrationService.GateView gate, Map<String, Long> nonBatched, String problem) {}

    private final DatabaseServices databases;
    private final HealthConfig config;

    public MigrationsHealthCheck(DatabaseServices databases, HealthConfig config) {
        this.databases = databases;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        List<Uni<Seen>> reads = new ArrayList<>();
        for (DatabaseServices.Served served : databases.all()) {
            reads.add(read(served));
        }
        return Uni.join().all(reads).andFailFast().map(this::respond);
    }

    private Uni<Seen> read(DatabaseServices.Served served) {
        String name = served.database();
        return Uni.combine()
                .all()
                .unis(
                        served.migrations().gate(config.requiredJobClasses().orElse(null), LISTED_UNFINISHED),
                        served.legacy().remaining())
                .asTuple()
                .ifNoItem()
                .after(READ_TIMEOUT)
                .fail()
                .map(both -> new Seen(name, both.getItem1(), inScope(both.getItem2()), null))
                .onFailure()
                .recoverWithItem(e -> new Seen(
                        name,
                        null,
                        null,
                        "The database cannot be read: "
                                + databases
                                        .schemaProblem(name)
                                        .orElse(e.getMessage() == null ? e.toString() : e.getMessage())));
    }

    /** The non-batched jobs the gate waits for: of the required job classes, when some are named. */
    private Map<String, Long> inScope(Map<String, Long> pendingByClass) {
        List<String> required = config.requiredJobClasses().orElse(null);
        Map<String, Long> result = new TreeMap<>(pendingByClass);
        if (required != null) {
            result.keySet().retainAll(required);
        }
        return result;
    }

    private HealthCheckResponse respond(List<Seen> seen) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        long open = 0;
        long nonBatched = 0;
        boolean readable = true;
        Map<String, Long> byStatus = new TreeMap<>();
        List<String> unfinished = new ArrayList<>();
        for (Seen database : seen) {
            if (database.problem() != null) {
                readable = false;
                response.withData(database.database(), database.problem());
                continue;
            }
            long openHere = 0;
            for (Map.Entry<MigrationStatus, Long> entry :
                    database.gate().byStatus().entrySet()) {
                byStatus.merge(entry.getKey().apiName(), entry.getValue(), Long::sum);
                if (!entry.getKey().isDone()) {
                    openHere += entry.getValue();
                }
            }
            long pendingHere = database.nonBatched().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            open += openHere;
            nonBatched += pendingHere;
            response.withData(
                    database.database(),
                    openHere + " unfinished"
                            + (pendingHere == 0 ? "" : ", " + pendingHere + " non-batched jobs pending"));
            database.nonBatched()
                    .forEach((className, count) -> unfinished.add(
                            database.database() + ": " + count + " pending non-batched jobs of " + className));
            for (BatchedMigration m : database.gate().unfinished()) {
                unfinished.add(database.database() + ": " + m.id() + " " + m.jobClassName() + " on " + m.tableName()
                        + "." + m.columnName() + " (" + m.status().apiName() + ")");
            }
        }
        response.status(readable && (open + nonBatched == 0 || config.gate() == HealthConfig.Gate.NONE))
                .withData("unfinished", open)
                .withData("non_batched_pending", nonBatched)
                .withData("gate", config.gate().name().toLowerCase());
        byStatus.forEach(response::withData);
        for (int i = 0; i < Math.min(unfinished.size(), LISTED_UNFINISHED); i++) {
            response.withData("unfinished_" + (i + 1), unfinished.get(i));
        }
        return response.build();
    }
}
