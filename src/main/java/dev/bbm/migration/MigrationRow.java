package dev.bbm.migration;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A migration as operators see it: the migration, the counts of its jobs by status, and the mean
 * duration of its recent succeeded jobs (null before the first). Progress and the time remaining
 * are computed here once, for every front end (the JSON API and the admin pages).
 */
public record MigrationRow(BatchedMigration migration, JobCounts jobs, Double recentJobSeconds, MigrationPace pace) {

    /** A migration without an impact controller's pace. */
    public MigrationRow(BatchedMigration migration, JobCounts jobs, Double recentJobSeconds) {
        this(migration, jobs, recentJobSeconds, null);
    }

    /** Progress never reaches 100 before the migration is done, however far off the estimate was. */
    static final BigDecimal NOT_DONE_MAX = new BigDecimal("99.99");

    /**
     * Rows covered by succeeded batches over the table's estimated size (for a row inserted by SQL
     * without an estimate: the key range): 100 only once the migration is done, however far off the
     * estimate was.
     */
    public BigDecimal progress() {
        BatchedMigration m = migration;
        if (m.status().isDone()) {
            return BigDecimal.valueOf(100);
        }
        long total = m.totalTupleCount() != null ? m.totalTupleCount() : m.keyRangeSize();
        if (total <= 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal percent = BigDecimal.valueOf(jobs.succeededTuples())
                .multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(total), 2, RoundingMode.DOWN);
        return percent.min(NOT_DONE_MAX);
    }

    /**
     * Seconds until done: the rows left over the batch size gives the batches left; each takes as
     * long as the recent ones did, or the interval if that is longer (batches start at most once
     * per interval). Null before the first batch.
     */
    public Long estimatedTimeRemaining() {
        BatchedMigration m = migration;
        if (m.status().isDone()) {
            return 0L;
        }
        if (recentJobSeconds == null) {
            return null;
        }
        long total = m.totalTupleCount() != null ? m.totalTupleCount() : m.keyRangeSize();
        long remaining = Math.max(0, total - jobs.succeededTuples());
        long batches = remaining / m.batchSize() + (remaining % m.batchSize() == 0 ? 0 : 1);
        double perBatch =
                m.status() == MigrationStatus.FINALIZING ? recentJobSeconds : Math.max(recentJobSeconds, m.interval());
        return Math.round(batches * perBatch);
    }
}
