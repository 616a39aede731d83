package dev.bbm.migration;

import java.time.OffsetDateTime;
import java.util.OptionalLong;

/** One row of {@code batched_background_migration_jobs}: one batch of a migration. */
public record BatchedJob(
        long id,
        long migrationId,
        long minValue,
        long maxValue,
        int batchSize,
        int subBatchSize,
        int pauseMs,
        JobStatus status,
        int attempts,
        Long processedUntil,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt) {

    /** Whether committed sub-batches cover the whole range: nothing is left to run. */
    public boolean isCovered() {
        return processedUntil != null && processedUntil >= maxValue;
    }

    /** The first key no committed sub-batch has covered yet; only when {@link #isCovered()} is false. */
    public long resumeFrom() {
        return processedUntil == null ? minValue : processedUntil + 1;
    }

    /**
     * The first key after this job's range, where the next batch starts; none when the range
     * reaches the largest bigint ({@code max_value + 1} would wrap to the smallest).
     */
    public OptionalLong nextKey() {
        return maxValue == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(maxValue + 1);
    }
}
