package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The runbook's cures for non-batched background migrations that stay in the queue or stay
 * pending: {@code Gitlab::BackgroundMigration.steal(class)} and re-running the pending jobs. Both
 * run the jobs now and answer what became of them; a job that failed leaves exit code 1.
 */
final class StealCommands {

    private StealCommands() {}

    /** Prints what a steal or retry did, and fails the command when a job failed. */
    static int report(ApiOptions options, ApiResponse response) {
        JsonNode result = response.body();
        options.print(result, out -> {
            String what = result.path("class_name").isTextual()
                    ? result.path("class_name").asText()
                    : "All classes";
            out.println(what + " in database " + result.path("database").asText() + ": "
                    + result.path("succeeded").asLong() + " succeeded, "
                    + result.path("failed").asLong()
                    + " failed, " + result.path("remaining").asLong() + " remaining.");
            Table failures = new Table("ID", "ERROR");
            result.path("failures")
                    .forEach(f -> failures.row(
                            f.path("id").asLong(),
                            BbmHttp.oneLine(f.path("error").asText())));
            if (!failures.isEmpty()) {
                failures.print(out);
            }
        });
        long failed = result.path("failed").asLong();
        if (failed > 0) {
            throw new CliException(
                    Bbm.UNFINISHED,
                    failed + " background migration job" + (failed == 1 ? "" : "s")
                            + " failed: see bbm pending"
                            + MigrationView.onDatabase(options.api().database())
                            + ", fix the cause, then bbm retry-pending");
        }
        return Bbm.OK;
    }

    @Command(
            name = "steal",
            description = "Runs the pending jobs of one non-batched background migration class now, here instead of"
                    + " in the queue (GitLab's Gitlab::BackgroundMigration.steal). Exits 1 when a job failed.")
    static final class Steal implements Callable<Integer> {

        @Mixin
        private ApiOptions options;

        @Parameters(
                paramLabel = "CLASS",
                description = "The background migration class, e.g. CopyColumnUsingBackgroundMigrationJob")
        private String className;

        @Override
        public Integer call() {
            return report(options, options.api().steal(className));
        }
    }

    @Command(
            name = "retry-pending",
            description = "Runs the pending jobs of the non-batched background migrations again, of one class or of"
                    + " all (the runbook's cure for migrations stuck in 'pending'). Exits 1 when a job failed.")
    static final class RetryPending implements Callable<Integer> {

        @Mixin
        private ApiOptions options;

        @Parameters(arity = "0..1", paramLabel = "CLASS", description = "Only this class (default: every class)")
        private String className;

        @Override
        public Integer call() {
            return report(options, options.api().retryPending(className));
        }
    }
}
