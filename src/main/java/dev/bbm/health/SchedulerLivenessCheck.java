package dev.bbm.health;

import dev.bbm.engine.EngineScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness looks at the process alone: its scheduler still ticks. Unfinished migrations or an
 * unreachable database never make it DOWN, so Kubernetes does not restart a pod for them.
 */
@Liveness
@ApplicationScoped
public class SchedulerLivenessCheck implements HealthCheck {

    private final EngineScheduler scheduler;
    private final HealthConfig config;

    public SchedulerLivenessCheck(EngineScheduler scheduler, HealthConfig config) {
        this.scheduler = scheduler;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        Instant last = scheduler.lastTick();
        Duration since = Duration.between(last, Instant.now());
        return HealthCheckResponse.named("scheduler")
                .status(since.compareTo(config.schedulerStallAfter()) < 0)
                .withData("last_tick", last.toString())
                .build();
    }
}
