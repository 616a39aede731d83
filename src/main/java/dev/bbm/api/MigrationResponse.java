package dev.bbm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobCounts;
import dev.bbm.migration.MigrationPace;
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

        @Schema(
                nullable = true,
                description = "Under the database's impact budget (settings), the pace bbm keeps now and why;"
                        + " null when the migration runs at its own pause_ms")
        ImpactResponse impact,

        @Schema(example = "main", description = "The database the migration runs in")
        String database) {

    /** The impact controller's pace for a running migration. */
    @Schema(name = "Impact")
    public record ImpactResponse(
            @Schema(example = "10", description = "How much slower the application may get, in percent")
            int budgetPercent,

            @Schema(example = "20", description = "The pause between sub-batches bbm keeps now, in ms")
            int pauseMs,

            @Schema(
                    example = "7.5",
                    nullable = true,
                    description = "How much slower a small probe on the database is than while bbm was idle,"
                            + " in percent (90th percentile of the last probes)")
            Double slowdownPercent,

            @Schema(example = "2.15", nullable = true, description = "The probe's time now, in ms")
            Double probeMs,

            @Schema(example = "2.0", nullable = true, description = "The probe's time while bbm was idle, in ms")
            Double baselineMs,

            @Schema(
                    example = "probe p90 2.15 ms vs 2.00 ms idle: +8 % against a budget of 10 %; within budget:"
                            + " pause held (20 -> 20 ms)",
                    description = "The last decision, in words")
            String reason,

            OffsetDateTime updatedAt) {

        static ImpactResponse from(MigrationPace pace) {
            return pace == null
                    ? null
                    : new ImpactResponse(
                            pace.budgetPercent(),
                            pace.pauseMs(),
                            pace.slowdown() == null ? null : Math.round(pace.slowdown() * 1000) / 10.0,
                            pace.probeMillis(),
                            pace.baselineMillis(),
                            pace.reason(),
                            pace.updatedAt());
        }
    }

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
                ImpactResponse.from(row.pace()),
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
