package dev.bbm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobCounts;
import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A batched background migration as the API shows it. */
@Schema(name = "BatchedMigration")
public record MigrationResponse(
        @Schema(example = "1") long id,

        @Schema(example = "CopyColumnUsingBackgroundMigrationJob")
        String jobClassName,

        @Schema(example = "events") String tableName,
        @Schema(example = "id") String columnName,
        @Schema(ref = OpenApiFilter.JOB_ARGUMENTS) JsonNode jobArguments,
        MigrationStatus status,

        @Schema(description = "Per cent of the rows done, 0 to 100", example = "42.5")
        BigDecimal progress,

        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,

        @Schema(description = "Until when a database-health indicator holds the migration")
        OffsetDateTime onHoldUntil,

        @Schema(
                description = "The indicator that held it last and what it saw",
                example = "long_transaction: transaction of pid 42 has been open 700 s")
        String onHoldReason,

        long minValue,
        long maxValue,
        int batchSize,
        int subBatchSize,
        @Schema(description = "Seconds between batches") int interval,
        int pauseMs,
        Integer maxBatchSize,
        int priority,

        @Schema(description = "Whether the batch-size optimizer adapts batch_size")
        boolean optimize,

        @Schema(description = "The table's estimated row count when queued")
        Long totalTupleCount,

        @Schema(description = "Seconds until done at the recent pace of batches; null before the first batch")
        Long estimatedTimeRemaining,

        JobCountsResponse jobs,

        @Schema(example = "main", description = "The database the migration runs in")
        String database) {

    /** How many batches are in each status. */
    @Schema(name = "JobCounts")
    public record JobCountsResponse(long pending, long running, long failed, long succeeded, long total) {
        static JobCountsResponse from(JobCounts counts) {
            return new JobCountsResponse(
                    counts.pending(), counts.running(), counts.failed(), counts.succeeded(), counts.total());
        }
    }

    public static MigrationResponse from(MigrationRow row, String database) {
        BatchedMigration m = row.migration();
        return new MigrationResponse(
                m.id(),
                m.jobClassName(),
                m.tableName(),
                m.columnName(),
                m.jobArguments(),
                m.status(),
                progress(m, row.jobs()),
                m.createdAt(),
                m.updatedAt(),
                m.startedAt(),
                m.finishedAt(),
                m.onHoldUntil(),
                m.onHoldIndicator() == null ? null : m.onHoldIndicator() + ": " + m.onHoldReason(),
                m.minValue(),
                m.maxValue(),
                m.batchSize(),
                m.subBatchSize(),
                m.interval(),
                m.pauseMs(),
                m.maxBatchSize(),
                m.priority(),
                m.optimize(),
                m.totalTupleCount(),
                estimatedTimeRemaining(row),
                JobCountsResponse.from(row.jobs()),
                database);
    }

    /**
     * The rows left over the batch size gives the batches left; each takes as long as the recent
     * ones did, or the interval if that is longer (batches start at most once per interval).
     */
    static Long estimatedTimeRemaining(MigrationRow row) {
        BatchedMigration m = row.migration();
        if (m.status().isDone()) {
            return 0L;
        }
        if (row.recentJobSeconds() == null) {
            return null;
        }
        long total = m.totalTupleCount() != null ? m.totalTupleCount() : m.keyRangeSize();
        long remaining = Math.max(0, total - row.jobs().succeededTuples());
        long batches = remaining / m.batchSize() + (remaining % m.batchSize() == 0 ? 0 : 1);
        double perBatch = m.status() == MigrationStatus.FINALIZING
                ? row.recentJobSeconds()
                : Math.max(row.recentJobSeconds(), m.interval());
        return Math.round(batches * perBatch);
    }

    /**
     * Rows covered by succeeded batches over the table's estimated size (for a row inserted by SQL
     * without an estimate: the key range): 100 only once the migration is done, however far off the
     * estimate was.
     */
    static BigDecimal progress(BatchedMigration m, JobCounts jobs) {
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
        return percent.min(new BigDecimal("99.99"));
    }
}
