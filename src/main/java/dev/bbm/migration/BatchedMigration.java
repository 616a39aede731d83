package dev.bbm.migration;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/** One row of {@code batched_background_migrations}. */
public record BatchedMigration(
        long id,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        long minValue,
        long maxValue,
        int batchSize,
        int subBatchSize,
        int interval,
        MigrationStatus status,
        String jobClassName,
        String batchClassName,
        String tableName,
        String columnName,
        JsonNode jobArguments,
        Long totalTupleCount,
        int pauseMs,
        Integer maxBatchSize,
        OffsetDateTime startedAt,
        OffsetDateTime onHoldUntil,
        OffsetDateTime finishedAt,
        int priority,
        boolean optimize,
        String onHoldIndicator,
        String onHoldReason,
        boolean finalizeIgnoringHealth) {

    /** GitLab's name for a migration in messages and metrics: {@code Job: table.column}. */
    public String identifier() {
        return jobClassName + ": " + tableName + "." + columnName;
    }

    /**
     * How many keys {@code [min_value, max_value]} spans, at most {@link Long#MAX_VALUE}: a range
     * from below zero to near the largest bigint holds more keys than a long can count.
     */
    public long keyRangeSize() {
        long size = maxValue - minValue + 1;
        return size > 0 ? size : Long.MAX_VALUE;
    }
}
