package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.config.DatabaseUrls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command takes: which bbm, which token, which database, and whether to print
 * the API's JSON. The defaults are what an operator on the bbm host has: bbm on port 8080 and the
 * admin token it generated into its data directory.
 */
final class ApiOptions {

    static final String DEFAULT_URL = "http://localhost:8080";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "bbm's address (default: $BBM_URL, else " + DEFAULT_URL + ")")
    private String url;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description =
                    "An API token (default: $BBM_TOKEN, else the file $BBM_DATA_DIR/admin-token, data/admin-token)")
    private String token;

    @Option(names = "--database", paramLabel = "NAME", description = "GitLab's database: main, ci, … (default: main)")
    private String database;

    @Option(names = "--json", description = "Print the API's JSON instead of a table")
    private boolean json;

    BbmApi api() {
        return api(null);
    }

    /** The API on {@code fallback} when {@code --database} was not given (a rake task named it), else on {@code --database}. */
    BbmApi api(String fallback) {
        if (database != null && fallback != null && !database.equals(fallback)) {
            throw new CliException(
                    Bbm.USAGE, "the rake task names database " + fallback + " but --database names " + database);
        }
        String name = database != null ? database : fallback != null ? fallback : DatabaseUrls.MAIN;
        return new BbmApi(new BbmHttp(baseUrl(), token()), name);
    }

    /** Whether {@code --database} was given: {@code status} then looks at that database alone. */
    boolean databaseGiven() {
        return database != null;
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printJson(JsonNode node) {
        out().println(Json.pretty(node));
    }

    /** The API's JSON with {@code --json}, else the text {@code asText} writes. */
    void print(JsonNode body, Consumer<PrintWriter> asText) {
        if (json) {
            printJson(body);
        } else {
            asText.accept(out());
        }
    }

    /** One migration an action answered with, as a one-row table. */
    void printMigration(JsonNode migration) {
        print(migration, out -> MigrationView.print(List.of(migration), out));
    }

    private String baseUrl() {
        return firstOf(url, System.getenv("BBM_URL"), DEFAULT_URL);
    }

    /** {@code null} when there is none: bbm's 401 then says so. */
    private String token() {
        String given = firstOf(token, System.getenv("BBM_TOKEN"), null);
        if (given != null) {
            return given;
        }
        Path file = Path.of(firstOf(System.getenv("BBM_DATA_DIR"), "data", null), "admin-token");
        try {
            return Files.isReadable(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstOf(String value, String otherwise, String last) {
        if (value != null && !value.isBlank()) {
            return value;
        }
        return otherwise != null && !otherwise.isBlank() ? otherwise : last;
    }
}
