package dev.bbm.migration;

/**
 * How many jobs of a migration are in each status, and how many rows the succeeded ones covered.
 */
public record JobCounts(long pending, long running, long failed, long succeeded, long succeededTuples) {

    public static final JobCounts NONE = new JobCounts(0, 0, 0, 0, 0);

    public long total() {
        return pending + running + failed + succeeded;
    }
}
