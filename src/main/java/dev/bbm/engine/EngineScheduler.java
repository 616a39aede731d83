package dev.bbm.engine;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Drives an engine per database from a Quarkus scheduler tick. Each database ticks on its own: one
 * whose tick hangs (a server that does not answer) or fails never holds the others back.
 */
@ApplicationScoped
public class EngineScheduler {

    private static final Logger LOG = Logger.getLogger(EngineScheduler.class);

    /**
     * One database's engine, whether its last tick is still under way, and whether work arrived
     * meanwhile (it ticks again at once when the tick ends).
     */
    private record Ticking(
            ServedDatabase database,
            BatchedMigrationEngine engine,
            AtomicBoolean busy,
            AtomicBoolean again,
            WorkNotifications notifications) {}

    private final List<Ticking> engines;
    private final EngineConfig config;
    /** The scheduler's heartbeat, for liveness; the start counts as the first beat. */
    private volatile Instant lastTick = Instant.now();

    public EngineScheduler(Databases databases, DatabaseContext main, Vertx vertx) {
        this.config = main.settings();
        List<Ticking> all = new ArrayList<>();
        for (ServedDatabase database : databases.all()) {
            AtomicReference<Ticking> self = new AtomicReference<>();
            Ticking ticking = new Ticking(
                    database,
                    database.context().newEngine(),
                    new AtomicBoolean(),
                    new AtomicBoolean(),
                    new WorkNotifications(
                            vertx.getDelegate(), database.name(), database.connectOptions(), () -> wake(self.get())));
            self.set(ticking);
            all.add(ticking);
        }
        this.engines = List.copyOf(all);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            engines.forEach(ticking -> ticking.notifications().start());
        }
    }

    /** Work arrived on the database: its engine ticks now, or once its tick under way ends. */
    private void wake(Ticking ticking) {
        if (config.enabled()) {
            ticking.again().set(true);
            tickOne(ticking);
        }
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

    /** Ticks the database's engine unless its last tick is still under way. */
    private void tickOne(Ticking ticking) {
        if (!ticking.busy().compareAndSet(false, true)) {
            return; // its tick under way ends, then looks at `again`
        }
        ticking.again().set(false);
        ticking.database()
                .ensureSchema()
                .chain(ticking.engine()::tick)
                .onTermination()
                .invoke(() -> {
                    ticking.busy().set(false);
                    if (ticking.again().get()) {
                        tickOne(ticking);
                    }
                })
                .subscribe()
                .with(
                        ignored -> {},
                        e -> LOG.debugf(
                                "Database %s: tick skipped: %s",
                                ticking.database().name(), e.getMessage()));
    }

    public Instant lastTick() {
        return lastTick;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        engines.forEach(ticking -> {
            ticking.notifications().stop();
            ticking.engine().stop();
        });
    }
}
