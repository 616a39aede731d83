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
                example = "10",
                minimum = "0",
                maximum = "1000",
                description = "How much slower the application may get while migrations run, in percent:"
                        + " bbm then sets each running migration's pause from how long a small probe takes"
                        + " compared with while bbm is idle. 0 (the default) keeps each migration's own pause_ms.")
        Integer batchedMigrationsImpactBudgetPercent,

        @Schema(
                pattern = DatabaseParameterFilter.NAME_PATTERN,
                example = "main",
                description = "The database (GitLab's database parameter; the query's wins when both name it"
                        + " the same, two different names are a 400). Default main.")
        String database) {}
