package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The runbook's check before an upgrade, for both kinds of migration and every database: GitLab's
 * {@code status <> 3} query and {@code Gitlab::BackgroundMigration.remaining}. Its exit code is the
 * answer, so that {@code bbm status && upgrade} upgrades only once everything is done.
 */
@Command(
        name = "status",
        description = {
            "Whether every background migration is finished, in every database bbm serves (or the one --database"
                    + " names): the batched background migrations not finished yet, and the remaining jobs of the"
                    + " non-batched background migrations' queue.",
            "Exits 0 when everything is finished and 1 while anything is not, so that `bbm status && <upgrade>`"
                    + " upgrades only when it is safe."
        })
final class StatusCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions options;

    /** One database's unfinished work: its batched migrations not done, and its non-batched queue's counts. */
    private record DatabaseStatus(String database, List<JsonNode> unfinished, JsonNode remaining) {

        long remainingJobs() {
            return remaining.path("remaining").asLong();
        }

        boolean finished() {
            return unfinished.isEmpty() && remainingJobs() == 0;
        }
    }

    @Override
    public Integer call() {
        BbmApi api = options.api();
        List<String> databases = options.databaseGiven() ? List.of(api.database()) : api.databases();
        List<DatabaseStatus> statuses = new ArrayList<>();
        for (String database : databases) {
            BbmApi on = api.on(database);
            statuses.add(new DatabaseStatus(
                    database,
                    on.allMigrations().stream()
                            .filter(m -> !MigrationView.isDone(m))
                            .toList(),
                    on.remaining().body()));
        }
        boolean finished = statuses.stream().allMatch(DatabaseStatus::finished);
        if (options.json()) {
            options.printJson(json(statuses, finished));
        } else {
            print(statuses, finished, options.out());
        }
        return finished ? Bbm.OK : Bbm.UNFINISHED;
    }

    private static ObjectNode json(List<DatabaseStatus> statuses, boolean finished) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("finished", finished);
        ArrayNode databases = root.putArray("databases");
        for (DatabaseStatus status : statuses) {
            ObjectNode db = databases.addObject().put("database", status.database());
            db.put("finished", status.finished());
            db.putArray("batched_background_migrations").addAll(status.unfinished());
            db.set("background_migrations", status.remaining());
        }
        return root;
    }

    private static void print(List<DatabaseStatus> statuses, boolean finished, PrintWriter out) {
        Table batched = new Table("DATABASE", "ID", "MIGRATION", "STATUS", "PROGRESS", "ETA");
        Table queue = new Table("DATABASE", "CLASS (NOT BATCHED)", "REMAINING");
        for (DatabaseStatus status : statuses) {
            for (JsonNode m : status.unfinished()) {
                batched.row(
                        status.database(),
                        m.path("id").asLong(),
                        MigrationView.label(m),
                        MigrationView.status(m),
                        MigrationView.progress(m),
                        MigrationView.eta(m));
            }
            status.remaining()
                    .path("classes")
                    .forEach(c -> queue.row(
                            status.database(),
                            c.path("class_name").asText(),
                            c.path("remaining").asLong()));
        }
        if (!batched.isEmpty()) {
            batched.print(out);
            out.println();
        }
        if (!queue.isEmpty()) {
            queue.print(out);
            out.println();
        }
        String databases = String.join(
                ", ", statuses.stream().map(DatabaseStatus::database).toList());
        if (finished) {
            out.println("All background migrations are finished (" + databases + ").");
        } else {
            long unfinished =
                    statuses.stream().mapToLong(s -> s.unfinished().size()).sum();
            long remaining =
                    statuses.stream().mapToLong(DatabaseStatus::remainingJobs).sum();
            out.println("Not finished: " + unfinished + " batched background migration" + (unfinished == 1 ? "" : "s")
                    + ", " + remaining + " background migration job" + (remaining == 1 ? "" : "s")
                    + " remaining (" + databases + ").");
        }
    }
}
