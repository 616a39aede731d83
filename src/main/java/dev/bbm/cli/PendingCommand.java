package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The runbook's {@code Gitlab::Database::BackgroundMigrationJob.pending}: the jobs still to run, and why they failed. */
@Command(
        name = "pending",
        description = "Lists the pending jobs of the non-batched background migrations: class, arguments, attempts"
                + " and the last error (GitLab's BackgroundMigrationJob.pending).")
final class PendingCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions options;

    @Mixin
    private PageOptions paging;

    @Option(names = "--class-name", paramLabel = "CLASS", description = "Only this class's jobs")
    private String className;

    @Override
    public Integer call() {
        ApiResponse response = options.api().pending(className, paging.page, paging.perPage);
        options.print(response.body(), out -> {
            Table table = new Table("ID", "CLASS", "STATUS", "ATTEMPTS", "ARGUMENTS", "LAST ERROR");
            for (JsonNode job : response.body()) {
                table.row(
                        job.path("id").asLong(),
                        job.path("class_name").asText(),
                        job.path("status").asText(),
                        job.path("attempts").asInt(),
                        job.path("arguments").toString(),
                        job.path("last_error").isTextual()
                                ? BbmHttp.oneLine(job.path("last_error").asText())
                                : "");
            }
            table.print(out);
            PageOptions.printFooter(response, "pending job", out);
        });
        return Bbm.OK;
    }
}
