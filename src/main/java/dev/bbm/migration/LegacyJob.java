package dev.bbm.migration;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/**
 * A row of GitLab's {@code background_migration_jobs}: one unit of work of the older, non-batched
 * background migrations. For bbm's job classes its {@code arguments} are
 * {@code [table_name, column_name, min_value, max_value, job_arguments]}: the job class runs once
 * over the keys {@code [min_value, max_value]}.
 *
 * @param succeeded  GitLab's status 1; pending (0) otherwise
 * @param attempts   how often bbm tried it
 * @param lastError  what the last failed attempt said
 */
public record LegacyJob(
        long id,
        String className,
        JsonNode arguments,
        boolean succeeded,
        int attempts,
        String lastError,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    /** GitLab's {@code BackgroundMigrationJob} statuses. */
    public static final int PENDING = 0;

    public static final int SUCCEEDED = 1;
}
