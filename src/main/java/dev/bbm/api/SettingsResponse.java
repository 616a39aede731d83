package dev.bbm.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The settings GitLab keeps in application_settings for batched background migrations. */
@Schema(name = "ApplicationSettings")
public record SettingsResponse(
        @Schema(
                example = "2",
                minimum = "0",
                maximum = "100",
                description = "How many migrations may run at once, over all replicas")
        Integer databaseMaxRunningBatchedBackgroundMigrations,

        @Schema(example = "true", description = "When false, running batches complete and no new one starts")
        Boolean executeBatchedMigrationsOnSchedule,

        @Schema(
                pattern = DatabaseParameterFilter.NAME_PATTERN,
                example = "main",
                description = "The database (GitLab's database parameter; the query's wins when both name it"
                        + " the same, two different names are a 400). Default main.")
        String database) {}
