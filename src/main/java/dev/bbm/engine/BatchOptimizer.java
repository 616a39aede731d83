package dev.bbm.engine;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * GitLab's {@code BatchOptimizer}: sizes batches so that a batch takes about as long as the
 * migration's interval (or a target duration when the interval is 0). Time efficiency is a
 * batch's duration over that target; its exponential moving average over the recent batches
 * steers the batch size, assuming duration grows linearly with size. Pure logic, no I/O.
 */
public final class BatchOptimizer {

    /** GitLab's TARGET_EFFICIENCY: a batch should use 90–95 % of its time slot. */
    public static final double TARGET_EFFICIENCY_MIN = 0.9;

    public static final double TARGET_EFFICIENCY_MAX = 0.95;
    /** GitLab's MAX_MULTIPLIER: grow by at most 20 % a step, so one fast batch cannot blow the size up. */
    public static final double MAX_MULTIPLIER = 1.2;
    /** GitLab's MIN_BATCH_SIZE and MAX_BATCH_SIZE. */
    public static final int MIN_BATCH_SIZE = 1_000;

    public static final int MAX_BATCH_SIZE = 2_000_000;
    /** GitLab's NUMBER_OF_JOBS and EMA_ALPHA: the window and the weight of the newest batch. */
    public static final int NUMBER_OF_JOBS = 20;

    public static final double EMA_ALPHA = 0.4;

    /** The optimizer's tunables; {@link #GITLAB} holds GitLab's values. */
    public record Settings(
            double targetMin,
            double targetMax,
            double maxMultiplier,
            int minBatchSize,
            int maxBatchSize,
            int numberOfJobs,
            double alpha) {
        public static final Settings GITLAB = new Settings(
                TARGET_EFFICIENCY_MIN,
                TARGET_EFFICIENCY_MAX,
                MAX_MULTIPLIER,
                MIN_BATCH_SIZE,
                MAX_BATCH_SIZE,
                NUMBER_OF_JOBS,
                EMA_ALPHA);
    }

    private final Settings settings;

    public BatchOptimizer(Settings settings) {
        this.settings = settings;
    }

    /**
     * The smoothed efficiency of the newest batches, newest first; empty until there are
     * {@code numberOfJobs} of them (GitLab's {@code smoothed_time_efficiency}).
     *
     * @param durationsNewestFirst seconds each succeeded batch took
     * @param targetSeconds        the interval, or the target duration when the interval is 0
     */
    public OptionalDouble smoothedEfficiency(List<Double> durationsNewestFirst, double targetSeconds) {
        if (durationsNewestFirst.size() < settings.numberOfJobs() || targetSeconds <= 0) {
            return OptionalDouble.empty();
        }
        double dividend = 0;
        double divisor = 0;
        for (int i = 0; i < settings.numberOfJobs(); i++) {
            double weight = Math.pow(1 - settings.alpha(), i);
            dividend += durationsNewestFirst.get(i) / targetSeconds * weight;
            divisor += weight;
        }
        return OptionalDouble.of(dividend / divisor);
    }

    /**
     * The next batch size, or empty when the efficiency is in the target range (no change).
     *
     * @param migrationMaxBatchSize the migration's {@code max_batch_size}, null for the default
     */
    public OptionalInt nextBatchSize(int batchSize, double efficiency, Integer migrationMaxBatchSize) {
        if (efficiency <= 0 || (efficiency >= settings.targetMin() && efficiency <= settings.targetMax())) {
            return OptionalInt.empty();
        }
        double multiplier = Math.min(settings.targetMax() / efficiency, settings.maxMultiplier());
        int max = migrationMaxBatchSize != null ? migrationMaxBatchSize : settings.maxBatchSize();
        long next = (long) (batchSize * multiplier);
        int clamped = (int) Math.max(settings.minBatchSize(), Math.min(max, next));
        return clamped == batchSize ? OptionalInt.empty() : OptionalInt.of(clamped);
    }
}
