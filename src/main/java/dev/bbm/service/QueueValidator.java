package dev.bbm.service;

import dev.bbm.db.Identifiers;
import dev.bbm.jobs.JobRegistry;
import dev.bbm.migration.MigrationConfiguration;
import java.util.ArrayList;
import java.util.List;

/** The checks of a queue request that need no database: presence, shapes and ranges. */
final class QueueValidator {

    static final int MAX_INTERVAL = Short.MAX_VALUE;
    static final int MAX_PAUSE_MS = 600_000;
    static final int MAX_PRIORITY = Short.MAX_VALUE;

    private QueueValidator() {}

    static List<FieldError> check(QueueCommand r, JobRegistry registry) {
        List<FieldError> errors = new ArrayList<>();
        if (r.jobClassName() == null || r.jobClassName().isBlank()) {
            errors.add(new FieldError("job_class_name", "is required"));
        } else if (registry.find(r.jobClassName()).isEmpty()) {
            errors.add(new FieldError(
                    "job_class_name", "is not a known job class; known: " + String.join(", ", registry.names())));
        }
        if (r.tableName() == null || r.tableName().isBlank()) {
            errors.add(new FieldError("table_name", "is required"));
        } else if (!Identifiers.isPlainTableName(r.tableName())) {
            errors.add(
                    new FieldError(
                            "table_name",
                            "must be a plain SQL identifier (letters, digits, underscores, at most 63), optionally schema-qualified"));
        }
        if (r.columnName() == null || r.columnName().isBlank()) {
            errors.add(new FieldError("column_name", "is required"));
        } else if (!Identifiers.isPlain(r.columnName())) {
            errors.add(new FieldError(
                    "column_name", "must be a plain SQL identifier (letters, digits, underscores, at most 63)"));
        }
        if (r.jobArguments() != null && !r.jobArguments().isArray()) {
            errors.add(new FieldError("job_arguments", "must be a JSON array"));
        } else if (MigrationConfiguration.hasNul(r.jobArguments())) {
            errors.add(new FieldError(
                    "job_arguments", "must not contain the NUL character (\\u0000), which PostgreSQL cannot store"));
        }
        atLeast(errors, "batch_size", r.batchSize(), 1);
        atLeast(errors, "sub_batch_size", r.subBatchSize(), 1);
        between(errors, "interval", r.interval(), 0, MAX_INTERVAL);
        between(errors, "pause_ms", r.pauseMs(), 0, MAX_PAUSE_MS);
        between(errors, "priority", r.priority(), 0, MAX_PRIORITY);
        atLeast(errors, "max_batch_size", r.maxBatchSize(), 1);
        return errors;
    }

    /** Checks between fields, once defaults are applied. */
    static List<FieldError> checkTogether(
            long minValue, Long maxValue, int batchSize, int subBatchSize, Integer maxBatchSize) {
        List<FieldError> errors = new ArrayList<>();
        if (subBatchSize > batchSize) {
            errors.add(new FieldError("sub_batch_size", "must not exceed batch_size (" + batchSize + ")"));
        }
        if (maxValue != null && maxValue < minValue) {
            errors.add(new FieldError("max_value", "must not be below min_value (" + minValue + ")"));
        }
        if (maxBatchSize != null && maxBatchSize < batchSize) {
            errors.add(new FieldError("max_batch_size", "must not be below batch_size (" + batchSize + ")"));
        }
        return errors;
    }

    private static void atLeast(List<FieldError> errors, String field, Integer value, int min) {
        if (value != null && value < min) {
            errors.add(new FieldError(field, "must be at least " + min));
        }
    }

    private static void between(List<FieldError> errors, String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max));
        }
    }
}
