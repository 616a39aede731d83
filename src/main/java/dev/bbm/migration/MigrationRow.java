package dev.bbm.migration;

/**
 * A migration as operators see it: the migration, the counts of its jobs by status, and the mean
 * duration of its recent succeeded jobs (null before the first).
 */
public record MigrationRow(BatchedMigration migration, JobCounts jobs, Double recentJobSeconds) {}
