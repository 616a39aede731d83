package dev.bbm.engine;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Drives an engine per database from a Quarkus scheduler tick. Each database ticks on its own: one
 * whose tick hangs (a server that does not answer) or fails never holds the others back.
 */
@ApplicationScoped
public class EngineScheduler {

    private static final Logger LOG = Logger.getLogger(EngineScheduler.class);

    /** One database's engine, and whether its last tick is still under way. */
    private record Ticking(ServedDatabase database, BatchedMigrationEngine engine, AtomicBoolean busy) {}

    private final List<Ticking> engines;
    private final EngineConfig config;
    /** The scheduler's heartbeat, for liveness; the start counts as the first beat. */
    private volatile Instant lastTick = Instant.now();

    public EngineScheduler(Databases databases, DatabaseContext main) {
        this.engines = databases.all().stream()
                .map(database -> new Ticking(database, database.context().newEngine(), new AtomicBoolean()))
                .toList();
        this.config = main.settings();
    }

    @Scheduled(
            identity = "batched-migrations",
            every = "${bbm.engine.tick-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        lastTick = Instant.now();
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        for (Ticking ticking : engines) {
            if (!ticking.busy().compareAndSet(false, true)) {
                continue; // its last tick is still under way
            }
            ticking.database()
                    .ensureSchema()
                    .chain(ticking.engine()::tick)
                    .onTermination()
                    .invoke(() -> ticking.busy().set(false))
                    .subscribe()
                    .with(
                            ignored -> {},
                            e -> LOG.debugf(
                                    "Database %s: tick skipped: %s",
                                    ticking.database().name(), e.getMessage()));
        }
        // Returns at once (on the event loop, as the engines expect): the ticks go on by themselves.
        return Uni.createFrom().voidItem();
    }

    public Instant lastTick() {
        return lastTick;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        engines.forEach(ticking -> ticking.engine().stop());
    }
}
