package dev.bbm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** GitLab's Admin Area > Monitoring > Background Migrations, with its Queued, Failed, Finalizing… tabs. */
@Command(
        name = "list",
        description = "Lists batched background migrations, newest first: id, migration, status, progress and"
                + " estimated time remaining.")
final class ListCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions options;

    @Mixin
    private PageOptions paging;

    @Option(
            names = "--status",
            paramLabel = "STATUS",
            completionCandidates = Statuses.class,
            description = "Only these: ${COMPLETION-CANDIDATES} (queued is active and paused)")
    private String status;

    /** GitLab's statuses of a batched background migration, and its {@code queued} tab. */
    static final class Statuses extends java.util.ArrayList<String> {
        Statuses() {
            super(List.of("queued", "active", "paused", "failed", "finalizing", "finished", "finalized"));
        }
    }

    @Override
    public Integer call() {
        if (status != null && !new Statuses().contains(status)) {
            throw new CliException(
                    Bbm.USAGE, "unknown status '" + status + "': use one of " + String.join(", ", new Statuses()));
        }
        ApiResponse response = options.api().migrations(status, paging.page, paging.perPage);
        options.print(response.body(), out -> {
            MigrationView.print(JsonList.of(response.body()), out);
            PageOptions.printFooter(response, "migration", out);
        });
        return Bbm.OK;
    }
}
