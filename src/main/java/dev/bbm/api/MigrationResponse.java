package dev.bbm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobCounts;
import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import java.math.BigDecimal;
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
                row.progress(),
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
                row.estimatedTimeRemaining(),
                JobCountsResponse.from(row.jobs()),
                database);
    }

    /** See {@link MigrationRow#estimatedTimeRemaining()}. */
    static Long estimatedTimeRemaining(MigrationRow row) {
        return row.estimatedTimeRemaining();
    }

    /** See {@link MigrationRow#progress()}. */
    static BigDecimal progress(BatchedMigration m, JobCounts jobs) {
        return new MigrationRow(m, jobs, null).progress();
    }
}
