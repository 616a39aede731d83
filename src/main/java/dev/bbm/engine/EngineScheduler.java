package dev.bbm.engine;

import dev.bbm.db.CatalogRepository;
import dev.bbm.db.JobRepository;
import dev.bbm.db.MigrationRepository;
import dev.bbm.db.SettingsRepository;
import dev.bbm.engine.health.DatabaseHealth;
import dev.bbm.engine.health.DatabaseHealthConfig;
import dev.bbm.jobs.JobRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
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

    public EngineScheduler(Pool pool, MigrationRepository migrations, JobRepository jobs, CatalogRepository catalog,
                           SettingsRepository settings, JobRegistry registry, EngineConfig config,
                           dev.bbm.metrics.MicrometerEngineMetrics metrics, DatabaseHealthConfig databaseHealth) {
        this.engine = new BatchedMigrationEngine(pool, migrations, jobs, catalog, settings, registry, config, metrics,
                DatabaseHealth.from(databaseHealth), databaseHealth.holdTime(), databaseHealth.evaluateEvery());
        this.config = config;
    }

    @Scheduled(identity = "batched-migrations", every = "${bbm.engine.tick-interval:1s}",
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
