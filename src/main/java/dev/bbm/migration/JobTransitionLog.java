package dev.bbm.migration;

import java.time.OffsetDateTime;

/** One row of {@code batched_background_migration_job_transition_logs}. */
public record JobTransitionLog(
        long jobId,
        JobStatus previousStatus,
        JobStatus nextStatus,
        String exceptionClass,
        String exceptionMessage,
        OffsetDateTime createdAt) {}
