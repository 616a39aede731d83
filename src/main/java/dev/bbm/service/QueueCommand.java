package dev.bbm.service;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What it takes to queue a migration, as any front end gathers it; null means "the default".
 * {@link MigrationService#queue} checks every field before anything is written.
 */
public record QueueCommand(
        String jobClassName,
        String tableName,
        String columnName,
        JsonNode jobArguments,
        Integer batchSize,
        Integer subBatchSize,
        Integer interval,
        Integer pauseMs,
        Long minValue,
        Long maxValue,
        Integer maxBatchSize,
        Integer priority,
        Boolean optimize) {}
