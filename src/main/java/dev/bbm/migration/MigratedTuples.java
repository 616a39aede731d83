package dev.bbm.migration;

/**
 * What the database says a migration has migrated: the rows of its succeeded batches (GitLab's
 * {@code migrated_tuple_count}), whichever process ran them.
 *
 * @param done whether the migration is finished or finalized, so that the figure no longer changes
 */
public record MigratedTuples(
        long migrationId, String jobClassName, String tableName, String columnName, long tuples, boolean done) {

    /** The migration's id and configuration, as {@code 12 Job/table.column}. */
    public String key() {
        return migrationId + " " + jobClassName + "/" + tableName + "." + columnName;
    }
}
