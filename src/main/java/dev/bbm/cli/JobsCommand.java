package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A migration's batches; with {@code --status failed} GitLab's "Failed jobs" with why each failed. */
@Command(
        name = "jobs",
        description = "Lists a migration's batches (jobs): key range, status, attempts and the last error;"
                + " --status failed is GitLab's \"Failed jobs\".")
final class JobsCommand implements Callable<Integer> {

    private static final List<String> STATUSES = List.of("pending", "running", "failed", "succeeded");

    @Mixin
    private ApiOptions options;

    @Mixin
    private PageOptions paging;

    @Parameters(paramLabel = "ID", description = "The migration's id")
    private long id;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only these: pending, running, failed, succeeded")
    private String status;

    @Override
    public Integer call() {
        if (status != null && !STATUSES.contains(status)) {
            throw new CliException(
                    Bbm.USAGE, "unknown job status '" + status + "': use one of " + String.join(", ", STATUSES));
        }
        ApiResponse response = options.api().jobs(id, status, paging.page, paging.perPage);
        if (options.json()) {
            options.printJson(response.body());
            return Bbm.OK;
        }
        Table table = new Table("ID", "KEYS", "STATUS", "ATTEMPTS", "BATCH SIZE", "LAST ERROR");
        for (JsonNode job : response.body()) {
            table.row(
                    job.path("id").asLong(),
                    job.path("min_value").asText() + "-" + job.path("max_value").asText(),
                    job.path("status").asText(),
                    job.path("attempts").asInt(),
                    job.path("batch_size").asInt(),
                    lastError(job));
        }
        table.print(options.out());
        PageOptions.printFooter(response, "job", options.out());
        return Bbm.OK;
    }

    /** The message of the job's latest transition that recorded one. */
    private static String lastError(JsonNode job) {
        String error = "";
        for (JsonNode log : job.path("transition_logs")) {
            if (log.path("exception_message").isTextual()) {
                error = log.path("exception_class").asText("") + ": "
                        + BbmHttp.oneLine(log.path("exception_message").asText());
            }
        }
        return error;
    }
}
