package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.config.DatabaseUrls;
import java.io.PrintWriter;
import java.util.List;

/** How a batched background migration of the API reads on a terminal: GitLab's admin page, as text. */
final class MigrationView {

    private MigrationView() {}

    /** The table of {@code list}, {@code status} and the actions: id, migration, status, progress, ETA. */
    static void print(List<JsonNode> migrations, PrintWriter out) {
        Table table = new Table("ID", "MIGRATION", "STATUS", "PROGRESS", "ETA");
        migrations.forEach(m -> table.row(m.path("id").asLong(), label(m), status(m), progress(m), eta(m)));
        table.print(out);
    }

    /** GitLab's way of naming a migration on its admin page: {@code Job: table.column}. */
    static String label(JsonNode m) {
        return configuration(m).label();
    }

    static String status(JsonNode m) {
        return m.path("status").asText() + (m.path("on_hold_until").isTextual() ? " (on hold)" : "");
    }

    static boolean isDone(JsonNode m) {
        String status = m.path("status").asText();
        return status.equals("finished") || status.equals("finalized");
    }

    static String progress(JsonNode m) {
        JsonNode progress = m.path("progress");
        return progress.isNumber()
                ? progress.decimalValue().stripTrailingZeros().toPlainString() + "%"
                : "-";
    }

    /** Estimated time remaining; unknown before the first batch gives a pace. */
    static String eta(JsonNode m) {
        if (isDone(m)) {
            return "-";
        }
        JsonNode seconds = m.path("estimated_time_remaining");
        return seconds.isNumber() ? duration(seconds.asLong()) : "unknown";
    }

    /** The two largest units: {@code 2d 3h}, {@code 1h 5m}, {@code 3m 20s}, {@code 45s}. */
    static String duration(long seconds) {
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length - 1; i++) {
            if (seconds >= sizes[i]) {
                long rest = seconds % sizes[i] / sizes[i + 1];
                return seconds / sizes[i] + units[i] + (rest == 0 ? "" : " " + rest + units[i + 1]);
            }
        }
        return seconds + "s";
    }

    /** The rake form of the migration's configuration, ready to paste after {@code bbm finalize}. */
    static RakeArguments configuration(JsonNode m) {
        return new RakeArguments(
                m.path("job_class_name").asText(),
                m.path("table_name").asText(),
                m.path("column_name").asText(),
                m.path("job_arguments"),
                null);
    }

    /** {@code bbm finalize '…'} for the migration, quoted for a POSIX shell. */
    static String finalizeCommand(RakeArguments configuration, String database) {
        return "bbm finalize " + shellQuote(configuration.toRakeArgument()) + onDatabase(database);
    }

    /** What a suggested command adds to name the database: nothing for main, the default. */
    static String onDatabase(String database) {
        return database == null || database.equals(DatabaseUrls.MAIN) ? "" : " --database " + database;
    }

    static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
