package dev.bbm.cli;

import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * GitLab's {@code ensure_batched_background_migration_is_finished}, the check an upgrade runs: when
 * the migration is not finished it fails with the command that finishes it, here a {@code bbm} one.
 */
@Command(
        name = "ensure-finished",
        description = {
            "Checks that a batched background migration is finished, as GitLab's upgrade does"
                    + " (ensure_batched_background_migration_is_finished); with --finalize it finalizes it first.",
            "Exits 0 when it is finished, 1 (with the bbm finalize command to run) when it is not."
        })
final class EnsureFinishedCommand implements Callable<Integer> {

    /** The status in GitLab's message: {@code …marked as 'finished', but it is 'active':}. */
    private static final Pattern STATUS = Pattern.compile("but it is '([a-z]+)'");

    @Mixin
    private ApiOptions options;

    @Mixin
    private MigrationSelector selector;

    @Option(names = "--finalize", description = "Finalize it first when it is not finished, and wait")
    private boolean finalize;

    @Mixin
    private WaitOption waiting;

    @Override
    public Integer call() {
        MigrationSelector.Target target = selector.target();
        BbmApi api = options.api(target.database());
        RakeArguments configuration = target.id() != null
                ? MigrationView.configuration(api.migration(target.id()).body())
                : target.configuration();
        ApiResponse response;
        try {
            response = api.ensureFinished(configuration, finalize, waiting.seconds);
        } catch (CliException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
            Matcher status = STATUS.matcher(e.getMessage());
            throw new CliException(
                    Bbm.UNFINISHED,
                    "migration " + configuration.label() + " in database " + api.database() + " is not finished"
                            + (status.find() ? " (it is " + status.group(1) + ")" : "") + ": run "
                            + MigrationView.finalizeCommand(configuration, api.database()),
                    e.httpStatus());
        }
        options.printMigration(response.body());
        return Bbm.OK;
    }
}
