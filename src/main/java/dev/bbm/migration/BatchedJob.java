package dev.bbm.migration;

import java.time.OffsetDateTime;

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

    /** The first key no committed sub-batch has covered yet. */
    public long resumeFrom() {
        return processedUntil == null ? minValue : processedUntil + 1;
    }
}
