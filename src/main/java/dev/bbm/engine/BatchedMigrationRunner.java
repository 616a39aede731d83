package dev.bbm.engine;

import dev.bbm.db.CatalogRepository;
import dev.bbm.db.JobRepository;
import dev.bbm.db.MigrationRepository;
import dev.bbm.db.TableInfo;
import dev.bbm.db.TimeoutTransaction;
import dev.bbm.engine.health.DatabaseHealth;
import dev.bbm.engine.health.HealthSignal;
import dev.bbm.jobs.BatchedMigrationJob;
import dev.bbm.jobs.JobRegistry;
import dev.bbm.migration.BatchedJob;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobStatus;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.migration.MigrationTransition;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One step of one migration (GitLab's {@code BatchedMigrationRunner#run_migration_job}): retry
 * a batch that needs it or create the next one, run it, then apply the stop rules and finish or
 * fail the migration. The caller holds the migration's {@link MigrationLease}.
 */
public final class BatchedMigrationRunner {

    private static final Logger LOG = Logger.getLogger(BatchedMigrationRunner.class);

    /**
     * The longest one call inside the server runs before bbm looks again (database health, batch
     * optimizer, fair turns between migrations); shorter when the health indicators are due sooner.
     */
    static final Duration SERVER_RUN_BUDGET = Duration.ofSeconds(1);

    /** Whether the migration may take another step at once. */
    public enum Step {
        CONTINUE,
        STOP
    }

    private final Pool pool;
    private final MigrationRepository migrations;
    private final JobRepository jobs;
    private final CatalogRepository catalog;
    private final JobRegistry registry;
    private final JobExecutor executor;
    private final EngineConfig config;
    private final BatchOptimizer.Settings optimizerSettings;
    private final BatchOptimizer optimizer;
    private final DatabaseHealth databaseHealth;
    private final Duration holdTime;
    private final Duration healthEvery;
    private final Map<Long, Long> lastHealthCheck = new ConcurrentHashMap<>();
    private final ServerSideBatches serverSide;
    /**
     * Migrations whose next batch runs on bbm's own path: a call inside the server failed before
     * its batch's first sub-batch committed, so no job recorded the failure; the next batch, run
     * on this path, records it (or succeeds, when the cause is gone).
     */
    private final Set<Long> ownPathNext = ConcurrentHashMap.newKeySet();

    BatchedMigrationRunner(DatabaseContext db) {
        this.pool = db.pool();
        this.migrations = db.migrations();
        this.jobs = db.jobs();
        this.catalog = db.catalog();
        this.registry = db.registry();
        this.config = db.settings();
        this.databaseHealth = DatabaseHealth.from(db.health());
        this.holdTime = db.health().holdTime();
        this.healthEvery = db.health().evaluateEvery();
        this.executor = new JobExecutor(db);
        this.serverSide = new ServerSideBatches(db);
        EngineConfig.Optimizer o = config.optimizer();
        this.optimizerSettings = new BatchOptimizer.Settings(
                o.targetEfficiencyMin(),
                o.targetEfficiencyMax(),
                o.maxMultiplier(),
                o.minBatchSize(),
                o.maxBatchSize(),
                o.numberOfJobs(),
                o.emaAlpha());
        this.optimizer = new BatchOptimizer(optimizerSettings);
    }

    /**
     * @param tableName the migration's table (it never changes), read at once with the migration
     * @param mayRun    whether the switch lets the migration run, read on the same connection
     * @param lease     the migration's lease, whose session runs the batches inside the server
     */
    public Uni<Step> step(
            long migrationId, String tableName, Function<SqlClient, Uni<Boolean>> mayRun, MigrationLease lease) {
        // Independent reads, pipelined on one connection (one round trip, one server process):
        // the switch, the migration (if executable), its table, and the jobs that decide what to run next.
        return pool.withConnection(connection -> Uni.combine()
                        .all()
                        .unis(
                                mayRun.apply(connection),
                                migrations.findExecutable(connection, migrationId),
                                catalog.findTable(connection, tableName),
                                jobs.nextRetriable(connection, migrationId, config.maxAttempts()),
                                jobs.furthest(connection, migrationId))
                        .asTuple())
                .flatMap(read -> !read.getItem1() || read.getItem2().isEmpty()
                        ? Uni.createFrom().item(Step.STOP)
                        : step(
                                read.getItem2().get(),
                                read.getItem3(),
                                new NextWork(read.getItem4(), read.getItem5()),
                                lease));
    }

    /** The job to retry, if any, and the job reaching furthest, where the next batch would start. */
    private record NextWork(Optional<BatchedJob> retriable, Optional<BatchedJob> furthest) {}

    private Uni<Step> step(BatchedMigration migration, Optional<TableInfo> table, NextWork next, MigrationLease lease) {
        Optional<BatchedMigrationJob> jobClass = registry.find(migration.jobClassName());
        if (jobClass.isEmpty()) {
            return failWithoutWork(migration, JobFailure.unknownJobClass(migration.jobClassName()));
        }
        if (table.isEmpty()) {
            return failWithoutWork(migration, JobFailure.missingTable(migration.tableName()));
        }
        boolean checkHealth = !(migration.status() == MigrationStatus.FINALIZING && migration.finalizeIgnoringHealth())
                // After a hold, always look again before going on.
                && (migration.onHoldUntil() != null || healthDue(migration.id()));
        Uni<Optional<HealthSignal.Stop>> health = checkHealth
                ? pool.withConnection(connection -> databaseHealth.evaluate(connection, migration))
                : Uni.createFrom().item(Optional.empty());
        return health.flatMap(stop -> {
            if (stop.isPresent()) {
                LOG.infof(
                        "Migration %d (%s) on hold for %s: %s: %s",
                        migration.id(),
                        migration.identifier(),
                        holdTime,
                        stop.get().indicator(),
                        stop.get().reason());
                return migrations
                        .hold(
                                pool,
                                migration.id(),
                                holdTime,
                                stop.get().indicator(),
                                stop.get().reason())
                        .replaceWith(Step.STOP);
            }
            Uni<Void> released = migration.onHoldUntil() == null || !checkHealth
                    ? Uni.createFrom().voidItem()
                    : migrations.release(pool, migration.id());
            return released.flatMap(ignored -> work(migration, jobClass.get(), table.get(), next, lease));
        });
    }

    /**
     * Whether the indicators are due for this migration: at most once per evaluate-every, so that
     * a migration with short batches does not query the server's statistics before each one.
     */
    private boolean healthDue(long migrationId) {
        long now = System.nanoTime();
        Long last = lastHealthCheck.get(migrationId);
        if (last != null && now - last < healthEvery.toNanos()) {
            return false;
        }
        lastHealthCheck.put(migrationId, now);
        return true;
    }

    private Uni<Step> work(
            BatchedMigration migration,
            BatchedMigrationJob jobClass,
            TableInfo table,
            NextWork next,
            MigrationLease lease) {
        long estimate = Math.max(0, table.estimatedRows());
        Uni<Void> started = migration.startedAt() != null && migration.totalTupleCount() != null
                ? Uni.createFrom().voidItem()
                : migrations.markStarted(pool, migration.id(), estimate);
        return started.flatMap(ignored -> next.retriable().isPresent()
                ? retry(migration, next.retriable().get(), jobClass, table)
                : nextBatches(migration, jobClass, table, next.furthest(), lease));
    }

    /**
     * A job left running belongs to a dead worker (this one holds the migration's lock): it is
     * recorded as failed, then retried like any failed job while attempts remain.
     */
    private Uni<Step> retry(BatchedMigration migration, BatchedJob job, BatchedMigrationJob jobClass, TableInfo table) {
        if (job.status() == JobStatus.RUNNING) {
            LOG.infof("Recovering batch %d of migration %d whose worker is gone", job.id(), migration.id());
            return executor.fail(migration, job, JobFailure.workerLost(), table)
                    .flatMap(outcome -> outcome.job().attempts() < config.maxAttempts()
                            ? executor.run(migration, outcome.job(), jobClass, table)
                            : Uni.createFrom().item(outcome))
                    .flatMap(outcome -> afterJob(migration, outcome));
        }
        return executor.run(migration, job, jobClass, table).flatMap(outcome -> afterJob(migration, outcome));
    }

    /**
     * The batches after the furthest job: inside the server, as many as fit in
     * {@link #SERVER_RUN_BUDGET} (or one, see {@link #oneBatchPerCall}); on
     * bbm's own path, one, when the last call inside the server left a failure to record.
     */
    private Uni<Step> nextBatches(
            BatchedMigration migration,
            BatchedMigrationJob jobClass,
            TableInfo table,
            Optional<BatchedJob> furthest,
            MigrationLease lease) {
        if (furthest.isPresent() && furthest.get().maxValue() >= migration.maxValue()) {
            return finishIfDone(migration);
        }
        long start = furthest.map(j -> j.nextKey().getAsLong()).orElse(migration.minValue());
        if (ownPathNext.remove(migration.id())) {
            return nextBatch(migration, jobClass, table, start);
        }
        Duration budget = SERVER_RUN_BUDGET.compareTo(healthEvery) < 0 ? SERVER_RUN_BUDGET : healthEvery;
        return serverSide
                .run(
                        lease,
                        migration,
                        jobClass,
                        table,
                        start,
                        oneBatchPerCall(migration) ? 1 : Integer.MAX_VALUE,
                        budget,
                        migration.status() != MigrationStatus.FINALIZING)
                .flatMap(outcome -> {
                    if (outcome.failure().isPresent()) {
                        return afterServerFailure(
                                migration, table, outcome.failure().get());
                    }
                    var run = outcome.run();
                    if (run.reachedEnd()) {
                        return finishIfDone(migration);
                    }
                    if (!"budget".equals(run.stopped())) {
                        // Paused, marked finished, failed or switched off meanwhile.
                        return Uni.createFrom().item(Step.STOP);
                    }
                    return optimize(migration).replaceWith(Step.CONTINUE);
                });
    }

    /**
     * A migration with an interval between batches, or whose batch size the optimizer tunes after
     * every batch (as GitLab's does), runs one batch per call.
     */
    private boolean oneBatchPerCall(BatchedMigration migration) {
        return migration.interval() > 0 || config.optimizer().enabled() && migration.optimize();
    }

    /**
     * A call inside the server failed: the job it was running keeps its committed sub-batches and
     * records the failure, then the stop rules apply as after any failed job. When the failure
     * came before the job's first sub-batch committed, no job holds it: the next batch runs on
     * bbm's own path, which records it.
     */
    private Uni<Step> afterServerFailure(BatchedMigration migration, TableInfo table, JobFailure failure) {
        return jobs.nextRetriable(pool, migration.id(), config.maxAttempts()).flatMap(job -> {
            if (job.isEmpty() || job.get().status() != JobStatus.RUNNING) {
                LOG.debugf(
                        "Migration %d: its next batch failed before it started (%s); it runs again on bbm's path",
                        migration.id(), failure.message());
                ownPathNext.add(migration.id());
                return Uni.createFrom().item(Step.CONTINUE);
            }
            return executor.fail(migration, job.get(), failure, table).flatMap(outcome -> afterJob(migration, outcome));
        });
    }

    /** Creates the job for the next {@code batch_size} keys from {@code start} on, and runs it on bbm's path. */
    private Uni<Step> nextBatch(BatchedMigration migration, BatchedMigrationJob jobClass, TableInfo table, long start) {
        return TimeoutTransaction.run(
                        pool,
                        config.statementTimeout(),
                        config.lockTimeout(),
                        client -> jobs.startNext(
                                client,
                                migration.id(),
                                table.qualifiedName(),
                                migration.columnName(),
                                start,
                                migration.maxValue(),
                                migration.batchSize(),
                                Math.min(migration.subBatchSize(), migration.batchSize()),
                                migration.pauseMs(),
                                JobExecutor.WORKER))
                .flatMap(started -> started.isEmpty()
                        // Paused, marked finished or failed since it was read: nothing more to start.
                        ? Uni.createFrom().item(Step.STOP)
                        : executor.runStarted(
                                        migration,
                                        started.get().job(),
                                        PrimaryKeyBatchingStrategy.reaching(
                                                started.get().cuts(),
                                                started.get().job().maxValue()),
                                        jobClass,
                                        table)
                                .flatMap(outcome -> afterJob(migration, outcome)));
    }

    /** GitLab's stop rules after a job: too many failures fail the migration; the last batch finishes it. */
    private Uni<Step> afterJob(BatchedMigration migration, JobExecutor.Outcome outcome) {
        boolean last = outcome.job().maxValue() >= migration.maxValue();
        if (outcome.succeeded() && !last) {
            // The stop rules only act on a failure or at the end: spare the count of every job.
            return optimize(migration).replaceWith(Step.CONTINUE);
        }
        return jobs.tally(pool, migration.id(), config.maxAttempts()).flatMap(tally -> {
            if (outcome.failure()
                    .map(f -> f.kind() == JobFailure.Kind.PERMANENT)
                    .orElse(false)) {
                LOG.warnf(
                        "Migration %d (%s) failed: %s",
                        migration.id(),
                        migration.identifier(),
                        outcome.failure().get().message());
                return migrations
                        .transition(pool, migration.id(), MigrationTransition.FAIL)
                        .replaceWith(Step.STOP);
            }
            if (!outcome.succeeded()
                    && tally.sinceStart() >= config.minimumJobs()
                    && (double) tally.failedSinceStart() / tally.sinceStart() > config.maximumFailedRatio()) {
                LOG.warnf(
                        "Migration %d (%s) failed: %d of its last %d batches failed",
                        migration.id(), migration.identifier(), tally.failedSinceStart(), tally.sinceStart());
                return migrations
                        .transition(pool, migration.id(), MigrationTransition.FAIL)
                        .replaceWith(Step.STOP);
            }
            if (last) {
                return finishIfDone(migration);
            }
            return Uni.createFrom().item(Step.CONTINUE);
        });
    }

    /** GitLab's {@code optimize!} after a succeeded batch: resize toward the target efficiency. */
    private Uni<Void> optimize(BatchedMigration migration) {
        if (!config.optimizer().enabled() || !migration.optimize()) {
            return Uni.createFrom().voidItem();
        }
        double target = migration.interval() > 0
                ? migration.interval()
                : config.optimizer().targetBatchDuration().toMillis() / 1000.0;
        return jobs.recentDurations(pool, migration.id(), optimizerSettings.numberOfJobs())
                .flatMap(durations -> {
                    var efficiency = optimizer.smoothedEfficiency(durations, target);
                    if (efficiency.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    var next = optimizer.nextBatchSize(
                            migration.batchSize(), efficiency.getAsDouble(), migration.maxBatchSize());
                    if (next.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    int size = Math.max(next.getAsInt(), migration.subBatchSize());
                    LOG.debugf(
                            "Migration %d: efficiency %.2f, batch size %d -> %d",
                            migration.id(), efficiency.getAsDouble(), migration.batchSize(), size);
                    return migrations
                            .resizeBatches(pool, migration.id(), migration.batchSize(), size)
                            .replaceWithVoid();
                });
    }

    /** No range left: finished when every job succeeded, failed when some ran out of attempts. */
    private Uni<Step> finishIfDone(BatchedMigration migration) {
        return jobs.tally(pool, migration.id(), config.maxAttempts()).flatMap(tally -> {
            if (tally.unfinished() > 0) {
                return Uni.createFrom().item(Step.CONTINUE);
            }
            MigrationTransition end = tally.exhausted() > 0 ? MigrationTransition.FAIL : MigrationTransition.FINISH;
            return migrations
                    .transition(pool, migration.id(), end)
                    .invoke(changed -> {
                        if (changed) {
                            LOG.infof(
                                    "Migration %d (%s) is %s",
                                    migration.id(),
                                    migration.identifier(),
                                    end.to().apiName());
                        }
                    })
                    .replaceWith(Step.STOP);
        });
    }

    /**
     * The migration cannot run at all (its job class or table is gone): a failed job records why
     * in the transition log, where operators look, and the migration fails.
     */
    private Uni<Step> failWithoutWork(BatchedMigration migration, JobFailure failure) {
        return jobs.furthest(pool, migration.id())
                .flatMap(furthest -> {
                    // A range of no batch after every other job's, so it overlaps none; when the jobs reach
                    // the largest bigint there is no such range, and the log alone says why.
                    OptionalLong at = furthest.map(BatchedJob::nextKey).orElse(OptionalLong.of(migration.minValue()));
                    if (at.isEmpty()) {
                        LOG.warnf(
                                "Migration %d (%s) cannot run: %s: %s",
                                migration.id(), migration.identifier(), failure.exceptionClass(), failure.message());
                        return Uni.createFrom().voidItem();
                    }
                    return jobs.insert(pool, migration.id(), at.getAsLong(), at.getAsLong(), 0, 1, 0)
                            .flatMap(job -> executor.fail(migration, job, failure, null))
                            .replaceWithVoid();
                })
                .flatMap(ignored -> migrations.transition(pool, migration.id(), MigrationTransition.FAIL))
                .replaceWith(Step.STOP);
    }
}
