package dev.bbm.service;

import dev.bbm.db.DatabaseOutage;
import dev.bbm.engine.Databases;
import dev.bbm.engine.ServedDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The use cases of each database bbm serves, by its name ({@code main}, {@code ci}). */
@ApplicationScoped
public class DatabaseServices {

    /** What operators and clients do on one database. */
    public record Served(
            String database,
            MigrationService migrations,
            MigrationActionService actions,
            SettingsService settings,
            LegacyQueueService legacy) {}

    private final Databases databases;
    private final Map<String, Served> served = new LinkedHashMap<>();

    public DatabaseServices(Databases databases) {
        this.databases = databases;
        for (ServedDatabase database : databases.all()) {
            MigrationService migrations = new MigrationService(database.context());
            served.put(
                    database.name(),
                    new Served(
                            database.name(),
                            migrations,
                            new MigrationActionService(database.context(), migrations),
                            new SettingsService(database.context()),
                            new LegacyQueueService(database.context())));
        }
    }

    public Set<String> names() {
        return databases.names();
    }

    public Optional<Served> find(String database) {
        return Optional.ofNullable(served.get(database));
    }

    /** {@code main} first, then the others by name. */
    public Collection<Served> all() {
        return served.values();
    }

    /** Whether a use case failed because its database is unreachable (worth a retry later). */
    public static boolean isOutage(Throwable failure) {
        return DatabaseOutage.isOutage(failure);
    }

    /** Why a database's bookkeeping tables are not there yet; empty once they are. */
    public Optional<String> schemaProblem(String database) {
        return databases.all().stream()
                .filter(db -> db.name().equals(database))
                .findFirst()
                .flatMap(ServedDatabase::schemaProblem);
    }
}
