package dev.bbm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.migration.LegacyJob;
import dev.bbm.migration.LegacyOutcome;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON of the older, non-batched queue's endpoints. */
final class LegacyResponses {

    private LegacyResponses() {}

    /** GitLab's {@code Gitlab::BackgroundMigration.remaining}, in all and per class. */
    @Schema(name = "BackgroundMigrationsRemaining")
    record Remaining(
            @Schema(example = "main") String database,

            @Schema(example = "3", description = "Pending jobs in all")
            long remaining,

            List<ClassRemaining> classes) {

        static Remaining from(String database, Map<String, Long> byClass) {
            return new Remaining(
                    database,
                    byClass.values().stream().mapToLong(Long::longValue).sum(),
                    byClass.entrySet().stream()
                            .map(e -> new ClassRemaining(e.getKey(), e.getValue()))
                            .toList());
        }
    }

    @Schema(name = "BackgroundMigrationClassRemaining")
    record ClassRemaining(
            @Schema(example = "CopyColumnUsingBackgroundMigrationJob")
            String className,

            long remaining) {}

    /** A row of {@code background_migration_jobs}. */
    @Schema(name = "BackgroundMigrationJob")
    record Job(
            long id,

            @Schema(example = "CopyColumnUsingBackgroundMigrationJob")
            String className,

            @Schema(ref = OpenApiFilter.NON_BATCHED_ARGUMENTS)
            JsonNode arguments,

            @Schema(enumeration = {"pending", "succeeded"}) String status,
            int attempts,

            @Schema(description = "What the last failed attempt said")
            String lastError,

            OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {

        static Job from(LegacyJob job) {
            return new Job(
                    job.id(),
                    job.className(),
                    job.arguments(),
                    job.succeeded() ? "succeeded" : "pending",
                    job.attempts(),
                    job.lastError(),
                    job.createdAt(),
                    job.updatedAt());
        }
    }

    /** What {@code steal} or a re-run of pending jobs did. */
    @Schema(name = "BackgroundMigrationsRun")
    record Outcome(
            String database,

            @Schema(description = "The class run; null when every class was")
            String className,

            int succeeded,
            int failed,

            @Schema(description = "Jobs still pending afterwards (of the class, or in all)")
            long remaining,

            List<Failure> failures) {

        static Outcome from(String database, LegacyOutcome outcome) {
            return new Outcome(
                    database,
                    outcome.className(),
                    outcome.succeeded(),
                    outcome.failed(),
                    outcome.remaining(),
                    outcome.failures().stream()
                            .map(f -> new Failure(f.id(), f.error()))
                            .toList());
        }
    }

    @Schema(name = "BackgroundMigrationJobFailure")
    record Failure(long id, String error) {}

    /** Which class to run; {@code database} as GitLab's parameter in a body. */
    @Schema(name = "BackgroundMigrationClass")
    record ClassRequest(
            @Schema(example = "CopyColumnUsingBackgroundMigrationJob")
            String className,

            @Schema(pattern = DatabaseParameterFilter.NAME_PATTERN, example = "main")
            String database) {}
}
