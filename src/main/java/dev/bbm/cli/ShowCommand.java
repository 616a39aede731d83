package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** One migration, as GitLab's admin page for it shows it, with the command that finalizes it. */
@Command(
        name = "show",
        description = "Shows one batched background migration: its configuration, status, progress, batches and"
                + " the bbm finalize command that names it.")
final class ShowCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions options;

    @Parameters(paramLabel = "ID", description = "The migration's id")
    private long id;

    @Override
    public Integer call() {
        BbmApi api = options.api();
        JsonNode m = api.migration(id).body();
        if (options.json()) {
            options.printJson(m);
            return Bbm.OK;
        }
        PrintWriter out = options.out();
        JsonNode jobs = m.path("jobs");
        Table details = new Table("Migration", m.path("id").asText() + " (database " + api.database() + ")")
                .row("Job class", m.path("job_class_name").asText())
                .row(
                        "Table.column",
                        m.path("table_name").asText() + "."
                                + m.path("column_name").asText())
                .row("Job arguments", m.path("job_arguments").toString())
                .row("Status", m.path("status").asText())
                .row("Progress", MigrationView.progress(m))
                .row("ETA", MigrationView.eta(m))
                .row(
                        "Batches",
                        jobs.path("succeeded").asLong() + " succeeded, "
                                + jobs.path("running").asLong()
                                + " running, " + jobs.path("pending").asLong() + " pending, "
                                + jobs.path("failed").asLong() + " failed")
                .row(
                        "Batch size",
                        m.path("batch_size").asText() + " (sub-batches of "
                                + m.path("sub_batch_size").asText() + ", every "
                                + m.path("interval").asText() + " s)")
                .row(
                        "Keys",
                        m.path("min_value").asText() + " to "
                                + m.path("max_value").asText())
                .row("Created", m.path("created_at").asText("-"))
                .row("Started", m.path("started_at").asText("-"))
                .row("Finished", m.path("finished_at").asText("-"));
        if (m.path("on_hold_until").isTextual()) {
            details.row(
                    "On hold",
                    "until " + m.path("on_hold_until").asText() + ": "
                            + m.path("on_hold_reason").asText());
        }
        details.row("Finalize", MigrationView.finalizeCommand(MigrationView.configuration(m), api.database()));
        details.print(out);
        return Bbm.OK;
    }
}
