package dev.bbm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The runbook's {@code puts Gitlab::BackgroundMigration.remaining}, with the count of each class. */
@Command(
        name = "remaining",
        description = "How many jobs of the non-batched background migrations are still to run, per class"
                + " (GitLab's Gitlab::BackgroundMigration.remaining). Exits 0 whatever the count: bbm status is the"
                + " check that fails while work remains.")
final class RemainingCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions options;

    @Override
    public Integer call() {
        BbmApi api = options.api();
        ApiResponse response = api.remaining();
        options.print(response.body(), out -> {
            long remaining = response.body().path("remaining").asLong();
            out.println(remaining + " background migration job" + (remaining == 1 ? "" : "s")
                    + " remaining in database " + api.database() + ".");
            Table classes = new Table("CLASS", "REMAINING");
            response.body()
                    .path("classes")
                    .forEach(c -> classes.row(
                            c.path("class_name").asText(), c.path("remaining").asLong()));
            if (!classes.isEmpty()) {
                classes.print(out);
            }
        });
        return Bbm.OK;
    }
}
