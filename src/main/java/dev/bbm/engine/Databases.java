package dev.bbm.engine;

import dev.bbm.config.BbmConfig;
import dev.bbm.config.DatabaseUrls;
import dev.bbm.db.DatabasePool;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;

/**
 * The databases this bbm serves, by the names operators use: {@code main} (Quarkus' datasource)
 * and each {@code bbm.databases.<name>} ({@code ci}, {@code sec}), each with its own pool, context,
 * bookkeeping tables, settings and leases.
 */
@ApplicationScoped
public class Databases {

    private final Map<String, ServedDatabase> served = new LinkedHashMap<>();

    public Databases(
            DatabaseContext main, BbmConfig config, Config rawConfig, Vertx vertx, EngineMetricsFactory metrics) {
        served.put(
                main.name(),
                ServedDatabase.ready(
                        main,
                        DatabasePool.connectOptions(
                                rawConfig.getValue("quarkus.datasource.reactive.url", String.class),
                                rawConfig
                                        .getOptionalValue("quarkus.datasource.username", String.class)
                                        .orElse(null),
                                rawConfig
                                        .getOptionalValue("quarkus.datasource.password", String.class)
                                        .orElse(null))));
        Map<String, BbmConfig.Database> configured = new TreeMap<>(config.databases());
        // The embedded server's databases: their URLs exist only once the server runs, so they
        // are not among the names the configuration lists up front.
        config.embedded()
                .databases()
                .orElse(List.of())
                .forEach(name -> configured.computeIfAbsent(
                        name,
                        missing -> BbmConfig.Database.at(
                                rawConfig.getValue("bbm.databases." + missing + ".url", String.class))));
        configured.keySet().forEach(name -> {
            if (name.equals(DatabaseContext.MAIN)) {
                return; // Quarkus' datasource, given its URL by bbm.databases.main.url
            }
            if (!DatabaseUrls.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bbm.databases." + name
                        + ": a database's name is lower-case letters, digits and _ (as main, ci, sec)");
            }
            BbmConfig.Database database = configured.get(name);
            DatabaseContext context =
                    main.forDatabase(name, DatabasePool.open(vertx, name, database), metrics.forDatabase(name));
            served.put(
                    name,
                    ServedDatabase.withSchema(
                            context,
                            DatabasePool.connectOptions(
                                    database.url(),
                                    database.username().orElse(null),
                                    database.password().orElse(null)),
                            () -> DatabasePool.migrateSchema(database)));
        });
    }

    /** The names, sorted: what an unknown name's error lists. */
    public Set<String> names() {
        return new TreeSet<>(served.keySet());
    }

    /** {@code main} first, then the others by name. */
    public Collection<ServedDatabase> all() {
        return served.values();
    }

    public Optional<DatabaseContext> find(String name) {
        return Optional.ofNullable(served.get(name)).map(ServedDatabase::context);
    }

    /** At start, each database that is up gets its bookkeeping tables; one that is down waits for a tick. */
    void onStart(@Observes StartupEvent event) {
        served.values().forEach(database -> {
            try {
                database.createSchemaNow();
            } catch (RuntimeException e) {
                // kept as the database's schema problem: readiness names it, the scheduler retries
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        served.values().stream()
                .filter(database -> !database.name().equals(DatabaseContext.MAIN))
                .forEach(database -> database.context().pool().closeAndForget());
    }
}
