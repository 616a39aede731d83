package dev.bbm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The runbook's last resort for a migration that keeps failing ("Mark a failed migration
 * finished"): its remaining batches never run. GitLab warns that it can lose data, so bbm asks for
 * {@code --confirm} and logs the token's name with every batch it marks.
 */
@Command(
        name = "mark-finished",
        description = {
            "Marks a migration finished WITHOUT running its remaining batches: their rows are never migrated,"
                    + " which can lose data. Take a backup first (GitLab: contact Support before doing this).",
            "Refused (exit 1) without --confirm."
        })
final class MarkFinishedCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions options;

    @Parameters(paramLabel = "ID", description = "The migration's id")
    private long id;

    @Option(names = "--confirm", description = "Yes, skip the remaining batches")
    private boolean confirm;

    @Override
    public Integer call() {
        if (!confirm) {
            throw new CliException(
                    Bbm.UNFINISHED,
                    "mark-finished skips migration " + id + "'s remaining batches, whose rows are then never"
                            + " migrated: it can lose data. Take a backup, then add --confirm");
        }
        ApiResponse response = options.api().markFinished(id);
        options.printMigration(response.body());
        return Bbm.OK;
    }
}
