package dev.bbm.engine;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The engine's tunables. The defaults are GitLab's (see {@code BatchedJob} and
 * {@code BatchedMigration} in gitlabhq's lib/gitlab/database/background_migration).
 */
@ConfigMapping(prefix = "bbm.engine")
public interface EngineConfig {

    /** Run the scheduler in this process; a replica that only serves the API can turn it off. */
    @WithDefault("true")
    boolean enabled();

    /** How often the scheduler looks for work. Each migration's own interval still applies. */
    @WithDefault("1s")
    Duration tickInterval();

    /**
     * How long a worker keeps a migration before letting go: the next tick of any replica may
     * then take it, so that replicas share the work instead of the fastest keeping it all.
     */
    @WithDefault("30s")
    Duration maxLeaseTime();

    /** GitLab's MAX_ATTEMPTS: a batch is tried this often before it counts as failed for good. */
    @WithDefault("3")
    int maxAttempts();

    /** GitLab's MINIMUM_JOBS: the failed-ratio rule waits for this many jobs since the start. */
    @WithDefault("50")
    int minimumJobs();

    /** GitLab's MAXIMUM_FAILED_RATIO: above it (after MINIMUM_JOBS) the migration fails. */
    @WithDefault("0.5")
    double maximumFailedRatio();

    /** GitLab's SUB_BATCH_SIZE_REDUCE_FACTOR: a timed-out job retries with sub-batches this much smaller. */
    @WithDefault("0.75")
    double subBatchReduceFactor();

    /**
     * GitLab's SUB_BATCH_SIZE_THRESHOLD (65 % reduction at most): sub-batches never shrink below
     * this fraction of the migration's, beyond that smaller statements stop helping.
     */
    @WithDefault("0.35")
    double minimumSubBatchFraction();

    /**
     * GitLab's STUCK_JOBS_TIMEOUT: a job pending or running without an update for this long has a
     * hung worker, whose session is then terminated so the job can be retried. A dead worker is
     * found much sooner, by its vanished lock.
     */
    @WithDefault("1h")
    Duration stuckJobsTimeout();

    /** Jobs of the non-batched queue each database's engine runs at once, at most. */
    @WithDefault("2")
    int legacyConcurrency();

    /** A failed job of the non-batched queue waits this long times its attempts before the next. */
    @WithDefault("30s")
    Duration legacyRetryBackoff();

    /** statement_timeout of bbm's own batch statements, so bbm never holds locks for long. */
    @WithDefault("60s")
    Duration statementTimeout();

    /** lock_timeout of bbm's own batch statements: bbm gives way to the application. */
    @WithDefault("5s")
    Duration lockTimeout();

    /** The batch-size optimizer (GitLab's optimize_batched_migrations), on for every migration unless it opts out. */
    Optimizer optimizer();

    interface Optimizer {
        /** Off here turns it off for every migration. */
        @WithDefault("true")
        boolean enabled();

        /** What a batch's duration is compared with when the migration's interval is 0. */
        @WithDefault("2s")
        Duration targetBatchDuration();

        @WithDefault("" + BatchOptimizer.TARGET_EFFICIENCY_MIN)
        double targetEfficiencyMin();

        @WithDefault("" + BatchOptimizer.TARGET_EFFICIENCY_MAX)
        double targetEfficiencyMax();

        @WithDefault("" + BatchOptimizer.MAX_MULTIPLIER)
        double maxMultiplier();

        @WithDefault("" + BatchOptimizer.MIN_BATCH_SIZE)
        int minBatchSize();

        /** Used when the migration has no max_batch_size of its own. */
        @WithDefault("" + BatchOptimizer.MAX_BATCH_SIZE)
        int maxBatchSize();

        @WithDefault("" + BatchOptimizer.NUMBER_OF_JOBS)
        int numberOfJobs();

        @WithDefault("" + BatchOptimizer.EMA_ALPHA)
        double emaAlpha();
    }

    /**
     * TCP keepalive idle time the server uses on a worker's lock session: a worker cut off by the
     * network loses its locks after about idle + 3 × interval seconds, and its job is recovered.
     */
    @WithDefault("5")
    int leaseKeepaliveSeconds();
}
