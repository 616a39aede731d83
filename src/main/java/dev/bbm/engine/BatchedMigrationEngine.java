package dev.bbm.engine;

import dev.bbm.db.JobRepository;
import dev.bbm.db.MigrationRepository;
import dev.bbm.db.MigrationRepository.Candidate;
import dev.bbm.db.SettingsRepository;
import dev.bbm.migration.MigratedTuples;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The scheduler's work at each tick: pick the executable migrations in queue order and start a
 * worker for each that can take a {@link MigrationLease}; a worker keeps stepping its migration
 * while it stays executable (at once when its interval is 0), then lets go. Replicas coordinate
 * only through PostgreSQL, so any number of engines may share a database.
 *
 * <p>Every call is non-blocking: batches run on the reactive client, never on a thread of their own.
 */
public final class BatchedMigrationEngine {

    private static final Logger LOG = Logger.getLogger(BatchedMigrationEngine.class);

    /** How often the stuck-jobs backstop looks; it is a last resort, not a hot path. */
    static final Duration STUCK_JOBS_CHECK_EVERY = Duration.ofSeconds(10);

    private final Pool pool;
    private final MigrationRepository migrations;
    private final JobRepository jobs;
    private final SettingsRepository settings;
    private final BatchedMigrationRunner runner;
    /** The older, non-batched queue's jobs, run beside the migrations under the same switch. */
    private final LegacyJobRunner legacy;

    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final String database;
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    /** The ones among them that take a slot (not finalizing). */
    private final Set<Long> scheduled = ConcurrentHashMap.newKeySet();
    /** When this engine last let a migration go because its lease time was up. */
    private final Map<Long, Long> leaseEnded = new ConcurrentHashMap<>();

    /** Done migrations whose migrated tuples are reported already: their figure no longer changes. */
    private final Set<String> settledReported = ConcurrentHashMap.newKeySet();

    private final AtomicLong lastStuckCheck = new AtomicLong();
    private volatile boolean stopped;

    /** Use {@link DatabaseContext#newEngine()}. */
    BatchedMigrationEngine(DatabaseContext db) {
        this.pool = db.pool();
        this.database = db.name();
        this.metrics = db.metrics();
        this.migrations = db.migrations();
        this.jobs = db.jobs();
        this.settings = db.applicationSettings();
        this.config = db.settings();
        this.runner = new BatchedMigrationRunner(db);
        this.legacy = new LegacyJobRunner(db);
    }

    /**
     * One tick: starts a worker for every finalizing migration and for the first scheduled one
     * whose lease it can take, and returns without waiting for them.
     *
     * <p>At most one scheduled migration per tick, so that replicas sharing a database interleave:
     * the replica whose tick comes first would otherwise take every free slot at once, let them
     * all go together when its leases end, and the next replica would take them all again, so
     * that only one replica ever worked at a time.
     */
    public Uni<Void> tick() {
        if (stopped) {
            return Uni.createFrom().voidItem();
        }
        // Workers first, the figures for the metrics after: work that arrived starts at once.
        return recoverHungWorkers()
                .flatMap(ignored -> settings.get(pool))
                .invoke(current -> {
                    if (current.executeOnSchedule()) {
                        legacy.startDue();
                    }
                })
                .flatMap(current -> migrations.executable(pool).flatMap(candidates -> {
                    List<Candidate> scheduledOnes = new ArrayList<>();
                    for (Candidate candidate : candidates) {
                        if (candidate.finalizing()) {
                            // An operator asked for it: no switch, no slot, only its own table lock.
                            if (running.add(candidate.id())) {
                                start(candidate, 0, current.impactBudgetPercent())
                                        .subscribe()
                                        .with(started -> {});
                            }
                        } else if (current.executeOnSchedule()) {
                            scheduledOnes.add(candidate);
                        }
                    }
                    return startFirst(
                            scheduledOnes.iterator(), current.maxRunningMigrations(), current.impactBudgetPercent());
                }))
                .flatMap(ignored -> migrations.snapshot(pool))
                .invoke(snapshot -> metrics.snapshot(snapshot.byStatus(), snapshot.heldByIndicator()))
                .flatMap(ignored -> migrations.migratedTuples(pool, settledReported.toArray(String[]::new)))
                .invoke(figures -> {
                    metrics.migrated(figures);
                    figures.stream().filter(MigratedTuples::done).forEach(figure -> settledReported.add(figure.key()));
                })
                .replaceWithVoid()
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("Database %s: scheduler tick failed: %s", database, e.getMessage());
                    return null;
                });
    }

    /** Tries the candidates in queue order until one worker starts or the slots are taken. */
    private Uni<Void> startFirst(Iterator<Candidate> candidates, int slots, int impactBudget) {
        if (!candidates.hasNext() || scheduled.size() >= slots) {
            return Uni.createFrom().voidItem();
        }
        Candidate candidate = candidates.next();
        if (justLetGo(candidate.id()) || !running.add(candidate.id())) {
            return startFirst(candidates, slots, impactBudget);
        }
        scheduled.add(candidate.id());
        return start(candidate, slots, impactBudget)
                .flatMap(
                        started -> started ? Uni.createFrom().voidItem() : startFirst(candidates, slots, impactBudget));
    }

    /**
     * A migration whose lease ran out here a moment ago is left to the other replicas for one
     * tick: otherwise the replica that had it usually takes it straight back.
     */
    private boolean justLetGo(long migrationId) {
        Long at = leaseEnded.get(migrationId);
        if (at != null && System.nanoTime() - at >= config.tickInterval().toNanos() * 3 / 2) {
            // Past its tick: forget it, so the map holds only the migrations let go just now.
            leaseEnded.remove(migrationId, at);
            return false;
        }
        return at != null;
    }

    /** Migrations this engine is working on now. */
    public Set<Long> running() {
        return Set.copyOf(running);
    }

    /** No new batch starts; the running ones complete. */
    public void stop() {
        stopped = true;
    }

    /**
     * Takes the migration's lease and, when it gets it, starts stepping it in the background.
     *
     * @param slots        how many migrations may run at once, 0 for one that needs no slot (finalizing)
     * @param impactBudget the database's impact budget in percent, 0 when off ({@link ImpactGovernor})
     * @return whether a worker started; when not, the migration is free for the next tick
     */
    private Uni<Boolean> start(Candidate candidate, int slots, int impactBudget) {
        return MigrationLease.tryAcquire(
                        pool, candidate.id(), candidate.tableName(), slots, config.leaseKeepaliveSeconds())
                .onFailure()
                .invoke(e -> LOG.warnf("No lease for migration %d: %s", candidate.id(), e.getMessage()))
                .onFailure()
                .recoverWithItem(Optional.empty())
                .invoke(lease -> {
                    if (lease.isEmpty()) {
                        forget(candidate.id());
                        return;
                    }
                    ImpactGovernor.start(pool, metrics, migrations, candidate.id(), impactBudget)
                            .onFailure()
                            .recoverWithItem(e -> {
                                LOG.warnf(
                                        "Migration %d runs without its impact controller: %s",
                                        candidate.id(), e.getMessage());
                                return Optional.empty();
                            })
                            .flatMap(governor -> stepWhileExecutable(
                                            candidate,
                                            lease.get(),
                                            System.nanoTime()
                                                    + config.maxLeaseTime().toNanos())
                                    .eventually(() -> governor.map(ImpactGovernor::stop)
                                            .orElse(Uni.createFrom().voidItem())))
                            .eventually(() -> lease.get().release())
                            .eventually(() -> forget(candidate.id()))
                            .subscribe()
                            .with(ignored -> {}, e -> LOG.warnf(e, "Worker for migration %d stopped", candidate.id()));
                })
                .map(Optional::isPresent);
    }

    private void forget(long migrationId) {
        running.remove(migrationId);
        scheduled.remove(migrationId);
    }

    /**
     * Steps the migration again at once while it stays executable, the switch stays on (a
     * finalizing migration ignores the switch) and the lease time lasts.
     */
    private Uni<Void> stepWhileExecutable(Candidate candidate, MigrationLease lease, long leaseEnds) {
        if (System.nanoTime() > leaseEnds) {
            leaseEnded.put(candidate.id(), System.nanoTime());
            return Uni.createFrom().voidItem();
        }
        if (stopped) {
            return Uni.createFrom().voidItem();
        }
        Function<SqlClient, Uni<Boolean>> switchOn = candidate.finalizing()
                ? client -> Uni.createFrom().item(true)
                : client -> settings.get(client).map(current -> current.executeOnSchedule());
        return runner.step(candidate.id(), candidate.tableName(), switchOn, lease)
                .flatMap(step -> step == BatchedMigrationRunner.Step.CONTINUE
                        ? stepWhileExecutable(candidate, lease, leaseEnds)
                        : Uni.createFrom().voidItem());
    }

    /**
     * GitLab's STUCK_JOBS_TIMEOUT backstop, for a worker that is alive but hung: it still holds
     * its migration's lock, so its session is terminated, which frees the lock; the next step
     * then finds the job without a worker and retries it.
     */
    private Uni<Void> recoverHungWorkers() {
        long now = System.nanoTime();
        long last = lastStuckCheck.get();
        if (last != 0 && now - last < STUCK_JOBS_CHECK_EVERY.toNanos() || !lastStuckCheck.compareAndSet(last, now)) {
            return Uni.createFrom().voidItem();
        }
        return jobs.stuck(pool, config.stuckJobsTimeout().toSeconds())
                .invoke(list -> LOG.debugf(
                        "Stuck-jobs check: %d jobs without an update for %s", list.size(), config.stuckJobsTimeout()))
                .onItem()
                .transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem()
                .transformToUniAndConcatenate(job -> pool.preparedQuery("""
                                SELECT pid, pg_terminate_backend(pid) AS terminated FROM pg_locks
                                WHERE locktype = 'advisory' AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 2 AND granted
                                  AND pid <> pg_backend_pid()
                                """)
                        .execute(Tuple.of((long) MigrationLease.MIGRATION_LOCKS, (long)
                                MigrationLease.lockKey(job.migrationId())))
                        .invoke(rows -> rows.forEach(row -> LOG.warnf(
                                "Batch %d of migration %d has not moved for %s: terminated its worker's session (pid %d)",
                                job.id(), job.migrationId(), config.stuckJobsTimeout(), row.getInteger("pid")))))
                .collect()
                .asList()
                .replaceWithVoid();
    }
}
