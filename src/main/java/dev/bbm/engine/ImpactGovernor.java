package dev.bbm.engine;

import dev.bbm.db.MigrationRepository;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.MigrationStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The impact budget at work for one migration while its worker holds the lease: on a connection
 * of its own it times a small probe (a one-row update that commits, so it waits for what the
 * application's transactions wait for: CPU, locks, the WAL flush) every {@link #PROBE_EVERY},
 * first for a second while bbm is idle (the baseline), and asks the {@link ImpactController} for
 * the pause every ten probes. The pause goes into {@code bbm_migration_pace}, which bbm's
 * procedure reads before each sub-batch, and into the API, the metrics and the log. Every
 * {@link #RECALIBRATE_EVERY} it holds the migration for a second to measure the baseline again,
 * because the application's own load changes.
 */
final class ImpactGovernor {

    private static final Logger LOG = Logger.getLogger(ImpactGovernor.class);

    static final Duration PROBE_EVERY = Duration.ofMillis(20);
    static final int PROBES_PER_STEP = 10;
    static final int BASELINE_PROBES = 50;
    static final Duration RECALIBRATE_EVERY = Duration.ofSeconds(30);

    /** How often a slow-down is logged at most (each decision is at debug level). */
    private static final Duration LOG_EVERY = Duration.ofSeconds(5);

    private static final String PROBE = """
            INSERT INTO bbm_impact_probe (id, n) VALUES ($1, 1)
            ON CONFLICT (id) DO UPDATE SET n = bbm_impact_probe.n + 1
            """;

    private static final String SET_PACE = """
            INSERT INTO bbm_migration_pace (batched_background_migration_id, budget_percent, pause_ms, slowdown, probe_ms,
                                            baseline_ms, reason, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, now())
            ON CONFLICT (batched_background_migration_id) DO UPDATE SET budget_percent = EXCLUDED.budget_percent,
                pause_ms = EXCLUDED.pause_ms, slowdown = EXCLUDED.slowdown, probe_ms = EXCLUDED.probe_ms,
                baseline_ms = EXCLUDED.baseline_ms, reason = EXCLUDED.reason, updated_at = now()
            """;

    private final Pool pool;
    private final EngineMetrics metrics;
    private final BatchedMigration migration;
    private final int budgetPercent;
    private final ImpactController controller;
    private final SqlConnection connection;
    private volatile List<Double> baseline = List.of();
    private volatile boolean stopped;
    private long calibratedAt;
    private long loggedAt;
    private Cancellable loop;

    private ImpactGovernor(
            Pool pool, EngineMetrics metrics, BatchedMigration migration, int budgetPercent, SqlConnection connection) {
        this.pool = pool;
        this.metrics = metrics;
        this.migration = migration;
        this.budgetPercent = budgetPercent;
        this.controller = new ImpactController(budgetPercent);
        this.connection = connection;
    }

    /**
     * Measures the baseline (bbm is idle: the worker has not started) and starts governing.
     *
     * @return the governor, or empty when the migration is not governed: no budget, or a
     *     finalize that runs through everything ({@code force})
     */
    static Uni<Optional<ImpactGovernor>> start(
            Pool pool, EngineMetrics metrics, MigrationRepository migrations, long migrationId, int budget) {
        if (budget <= 0) {
            return Uni.createFrom().item(Optional.empty());
        }
        return migrations.find(pool, migrationId).flatMap(found -> {
            if (found.isEmpty()
                    || found.get().status() == MigrationStatus.FINALIZING
                            && found.get().finalizeIgnoringHealth()) {
                return Uni.createFrom().item(Optional.<ImpactGovernor>empty());
            }
            return pool.getConnection().flatMap(connection -> {
                connection.exceptionHandler(e -> LOG.debugf("Impact probe session failed: %s", e.getMessage()));
                ImpactGovernor governor = new ImpactGovernor(pool, metrics, found.get(), budget, connection);
                return governor.calibrate()
                        .flatMap(ignored -> governor.write(new ImpactController.Decision(
                                0, 0, 0, ImpactController.tail(governor.baseline), "baseline measured; full speed")))
                        .invoke(governor::run)
                        .map(ignored -> Optional.of(governor))
                        .onFailure()
                        .call(() -> connection.close());
            });
        });
    }

    /** Stops governing; the migration's next call runs at its own pause. */
    Uni<Void> stop() {
        stopped = true;
        if (loop != null) {
            loop.cancel();
        }
        return pool.preparedQuery("DELETE FROM bbm_migration_pace WHERE batched_background_migration_id = $1")
                .execute(Tuple.of(migration.id()))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull()
                .eventually(() -> connection.close().onFailure().recoverWithNull());
    }

    private void run() {
        loop = Multi.createBy()
                .repeating()
                .uni(this::step)
                .whilst(ignored -> !stopped)
                .subscribe()
                .with(
                        ignored -> {},
                        e -> LOG.warnf(
                                "Migration %d: the impact controller stopped: %s", migration.id(), e.getMessage()));
    }

    /** Ten probes, a decision, and a new baseline when it is due. */
    private Uni<Boolean> step() {
        return probes(PROBES_PER_STEP)
                .flatMap(recent -> controller
                        .step(recent, baseline)
                        .map(this::write)
                        .orElse(Uni.createFrom().voidItem()))
                .flatMap(ignored -> System.nanoTime() - calibratedAt > RECALIBRATE_EVERY.toNanos()
                        ? recalibrate()
                        : Uni.createFrom().voidItem())
                .replaceWith(true)
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.debugf("Migration %d: impact step failed: %s", migration.id(), e.getMessage());
                    return true;
                });
    }

    /** Holds the migration (its sub-batch under way ends first), measures the baseline, lets go. */
    private Uni<Void> recalibrate() {
        int hold = (int) (PROBE_EVERY.toMillis() * BASELINE_PROBES * 2);
        int pause = controller.pauseMs();
        return write(new ImpactController.Decision(
                        hold, 0, 0, ImpactController.tail(baseline), "holding to measure the idle probe again"))
                .onItem()
                .delayIt()
                .by(Duration.ofMillis(200))
                .flatMap(ignored -> calibrate())
                .flatMap(ignored -> write(new ImpactController.Decision(
                        pause, 0, 0, ImpactController.tail(baseline), "idle probe measured again")));
    }

    private Uni<Void> calibrate() {
        return probes(BASELINE_PROBES)
                .invoke(measured -> {
                    baseline = measured;
                    calibratedAt = System.nanoTime();
                    LOG.debugf(
                            "Migration %d: idle probe p90 %.2f ms",
                            (Long) migration.id(), (Double) ImpactController.tail(measured));
                })
                .replaceWithVoid();
    }

    /** {@code count} probes, {@link #PROBE_EVERY} apart; the ones that failed are left out. */
    private Uni<List<Double>> probes(int count) {
        return Multi.createBy()
                .repeating()
                .uni(() -> probe().onItem().delayIt().by(PROBE_EVERY))
                .atMost(count)
                .filter(Objects::nonNull)
                .collect()
                .asList()
                .map(ArrayList::new);
    }

    private Uni<Double> probe() {
        long started = System.nanoTime();
        return connection
                .preparedQuery(PROBE)
                .execute(Tuple.of(migration.id()))
                .map(ignored -> (System.nanoTime() - started) / 1e6)
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Void> write(ImpactController.Decision decision) {
        metrics.impact(migration, decision.pauseMs(), decision.slowdown());
        long now = System.nanoTime();
        if (decision.slowdown() > budgetPercent / 100.0 && now - loggedAt > LOG_EVERY.toNanos()) {
            loggedAt = now;
            LOG.infof("Migration %d (%s): %s", migration.id(), migration.identifier(), decision.reason());
        } else {
            LOG.debugf("Migration %d: %s", migration.id(), decision.reason());
        }
        return pool.preparedQuery(SET_PACE)
                .execute(Tuple.of(
                                migration.id(),
                                budgetPercent,
                                decision.pauseMs(),
                                decision.slowdown(),
                                decision.probeMillis(),
                                decision.baselineMillis())
                        .addString(decision.reason()))
                .replaceWithVoid();
    }
}
