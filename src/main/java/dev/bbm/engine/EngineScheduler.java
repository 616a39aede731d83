package dev.bbm.engine;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/** Drives this process's engine from a Quarkus scheduler tick. */
@ApplicationScoped
public class EngineScheduler {

    private final BatchedMigrationEngine engine;
    private final EngineConfig config;
    /** The scheduler's heartbeat, for liveness; the start counts as the first beat. */
    private volatile Instant lastTick = Instant.now();

    public EngineScheduler(DatabaseContext main) {
        this.engine = main.newEngine();
        this.config = main.settings();
    }

    @Scheduled(
            identity = "batched-migrations",
            every = "${bbm.engine.tick-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        lastTick = Instant.now();
        return config.enabled() ? engine.tick() : Uni.createFrom().voidItem();
    }

    public Instant lastTick() {
        return lastTick;
    }

    public BatchedMigrationEngine engine() {
        return engine;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        engine.stop();
    }
}
