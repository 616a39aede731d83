package dev.bbm.engine;

/**
 * GitLab's rule for a batch that timed out: retry with sub-batches a quarter smaller, but never
 * below a fraction of the migration's sub-batch size.
 */
public final class SubBatchSizing {

    private SubBatchSizing() {}

    /**
     * The sub-batch size for the next attempt, or {@code current} when shrinking further would
     * go below {@code minimumFraction} of {@code original}.
     */
    public static int reduced(int current, int original, double factor, double minimumFraction) {
        int next = Math.max(1, (int) (current * factor));
        return next < Math.ceil(original * minimumFraction) ? current : next;
    }
}
