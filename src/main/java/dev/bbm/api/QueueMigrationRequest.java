package dev.bbm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.service.QueueCommand;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/v4/admin/batched_background_migrations}. */
@Schema(name = "QueueMigrationRequest", description = "A batched background migration to queue")
public record QueueMigrationRequest(
        @Schema(
                required = true,
                example = "CopyColumnUsingBackgroundMigrationJob",
                description =
                        "The job class: CopyColumnUsingBackgroundMigrationJob, BackfillColumnJob or DeleteRowsJob")
        String jobClassName,

        @Schema(required = true, example = "events", description = "The table, optionally schema-qualified")
        String tableName,

        @Schema(
                required = true,
                example = "id",
                description = "The integer column batches are cut along (usually the primary key)")
        String columnName,

        @Schema(ref = OpenApiFilter.JOB_ARGUMENTS, description = "The job class's arguments")
        JsonNode jobArguments,

        @Schema(example = "1000", minimum = "1", description = "Keys per batch (default 1000)")
        Integer batchSize,

        @Schema(example = "100", minimum = "1", description = "Keys per sub-batch, at most batch_size (default 100)")
        Integer subBatchSize,

        @Schema(
                example = "120",
                minimum = "0",
                maximum = "32767",
                description = "Seconds between two batches (default 120)")
        Integer interval,

        @Schema(
                example = "100",
                minimum = "0",
                maximum = "600000",
                description = "Milliseconds between two sub-batches (default 100)")
        Integer pauseMs,

        @Schema(example = "1", description = "First key (default 1, or the column's lowest key when that is lower)")
        Long minValue,

        @Schema(example = "1000000", description = "Last key (default: the column's maximum now)")
        Long maxValue,

        @Schema(example = "2000000", minimum = "1", description = "Upper bound for the batch size optimizer")
        Integer maxBatchSize,

        @Schema(example = "0", minimum = "0", maximum = "32767", description = "Lower runs first (default 0)")
        Integer priority,

        @Schema(example = "true", description = "Let the batch-size optimizer adapt batch_size (default true)")
        Boolean optimize,

        @Schema(
                pattern = DatabaseParameterFilter.NAME_PATTERN,
                example = "main",
                description = "The database (GitLab's database parameter; the query's wins when both name it"
                        + " the same, two different names are a 400). Default main.")
        String database) {

    /** The service's command: the same fields, without the HTTP contract's annotations. */
    public QueueCommand toCommand() {
        return new QueueCommand(
                jobClassName,
                tableName,
                columnName,
                jobArguments,
                batchSize,
                subBatchSize,
                interval,
                pauseMs,
                minValue,
                maxValue,
                maxBatchSize,
                priority,
                optimize);
    }
}
