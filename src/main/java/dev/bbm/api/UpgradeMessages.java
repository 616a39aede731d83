package dev.bbm.api;

import dev.bbm.config.DatabaseUrls;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.MigrationConfiguration;

/** The words GitLab's upgrade uses, so that operators recognise them. */
final class UpgradeMessages {

    private UpgradeMessages() {}

    /** GitLab's {@code ensure_batched_background_migration_is_finished} failure, with bbm's finalize command. */
    static String notFinished(
            BatchedMigration migration, MigrationConfiguration configuration, String database, String baseUri) {
        String body = "{\"job_class_name\":\"" + configuration.jobClassName() + "\",\"table_name\":\""
                + configuration.tableName() + "\",\"column_name\":\"" + configuration.columnName()
                + "\",\"job_arguments\":" + configuration.jobArguments() + "}";
        return "Expected batched background migration for the given configuration to be marked as 'finished', but it is '"
                + migration.status().apiName() + "':\n\t" + configuration
                + "\n\nFinalize it manually by running the following command:\n\n\tcurl -X POST -H \"PRIVATE-TOKEN: <admin token>\""
                + " -H \"Content-Type: application/json\" \"" + baseUri
                + "api/v4/admin/batched_background_migrations/finalize?wait=true"
                + (DatabaseUrls.MAIN.equals(database) ? "" : "&database=" + database) + "\" -d '" + body + "'";
    }
}
