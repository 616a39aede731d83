package dev.bbm.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * How {@code finalize} and {@code ensure-finished} name a migration: by id, by GitLab's rake
 * arguments pasted from the runbook or an upgrade's error, or by one flag per field.
 */
final class MigrationSelector {

    /** A migration by id, or by configuration (with the database a per-database rake task named, if any). */
    record Target(Long id, RakeArguments configuration) {
        String database() {
            return configuration == null ? null : configuration.database();
        }
    }

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Parameters(
            arity = "0..1",
            paramLabel = "ID|RAKE_ARGUMENTS",
            description = {
                "The migration's id, or GitLab's rake arguments JOB_CLASS,TABLE,COLUMN,JOB_ARGUMENTS in one argument,"
                        + " as the runbook writes them (a backslash escapes the commas inside JOB_ARGUMENTS):",
                "  " + RakeArguments.EXAMPLE,
                "The whole rake form gitlab:background_migrations:finalize[…] is read too; finalize:ci[…] names"
                        + " the database."
            })
    private String target;

    @Option(
            names = "--job-class",
            paramLabel = "CLASS",
            description = "The job class name (instead of ID|RAKE_ARGUMENTS)")
    private String jobClass;

    @Option(names = "--table", paramLabel = "TABLE", description = "The table name")
    private String table;

    @Option(names = "--column", paramLabel = "COLUMN", description = "The column name")
    private String column;

    @Option(
            names = "--job-arguments",
            paramLabel = "JSON",
            description = "The job arguments, a JSON array (default: [])")
    private String jobArguments;

    Target target() {
        boolean flags = jobClass != null || table != null || column != null || jobArguments != null;
        if (target != null && flags) {
            throw usage("name the migration once: ID|RAKE_ARGUMENTS or the --job-class, --table, --column flags");
        }
        if (target == null && !flags) {
            throw usage("name the migration: an ID, GitLab's rake arguments (" + RakeArguments.EXAMPLE
                    + ") or --job-class, --table, --column and --job-arguments");
        }
        try {
            if (target == null) {
                if (jobClass == null || table == null || column == null) {
                    throw usage("--job-class, --table and --column name a migration together; one is missing");
                }
                return new Target(null, RakeArguments.of(jobClass, table, column, jobArguments));
            }
            if (target.matches("[0-9]{1,18}")) {
                return new Target(Long.valueOf(target), null);
            }
            return new Target(null, RakeArguments.parse(target));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
