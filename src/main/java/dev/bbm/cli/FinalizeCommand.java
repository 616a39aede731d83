package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * GitLab's {@code gitlab-rake gitlab:background_migrations:finalize[…]}: runs what is left of a
 * migration now and answers once it is done, so the runbook's line works with {@code bbm} in front.
 */
@Command(
        name = "finalize",
        description = {
            "Finalizes a batched background migration: runs every remaining batch now and waits until it is done"
                    + " (GitLab's gitlab:background_migrations:finalize rake task).",
            "Exits 0 once it is finished, 1 when it failed or is still finalizing when the wait ends."
        })
final class FinalizeCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions options;

    @Mixin
    private MigrationSelector selector;

    @Mixin
    private WaitOption waiting;

    @Override
    public Integer call() {
        MigrationSelector.Target target = selector.target();
        BbmApi api = options.api(target.database());
        ApiResponse response = target.id() != null
                ? api.finalize(target.id(), waiting.seconds)
                : api.finalize(target.configuration(), waiting.seconds);
        JsonNode m = response.body();
        options.printMigration(m);
        String id = m.path("id").asText();
        String on = MigrationView.onDatabase(api.database());
        if (response.status() == 202) {
            throw new CliException(
                    Bbm.UNFINISHED,
                    "migration " + id + " is still finalizing after the wait: run bbm finalize " + id + on
                            + " again (--timeout up to 3600), or watch bbm show " + id + on);
        }
        if (m.path("status").asText().equals("failed")) {
            throw new CliException(
                    Bbm.UNFINISHED,
                    "migration " + id + " failed while finalizing: see bbm jobs " + id + " --status failed" + on
                            + ", fix the cause, then bbm retry " + id + on);
        }
        return Bbm.OK;
    }
}
