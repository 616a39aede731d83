package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bbm.config.DatabaseUrls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * bbm's admin API as the command line calls it, for one database (GitLab's {@code database}
 * parameter, sent on every call). The paths live here and nowhere else in the command line.
 */
final class BbmApi {

    static final String MIGRATIONS = "/api/v4/admin/batched_background_migrations";
    static final String BACKGROUND_MIGRATIONS = "/api/v4/admin/background_migrations";
    static final String DATABASES = "/api/v4/admin/databases";

    /** The API's largest page: fewer round trips when the command reads every page. */
    private static final int MAX_PER_PAGE = 100;

    private final BbmHttp http;
    private final String database;

    BbmApi(BbmHttp http, String database) {
        this.http = http;
        this.database = database;
    }

    String database() {
        return database;
    }

    /** The same bbm, another database. */
    BbmApi on(String otherDatabase) {
        return new BbmApi(http, otherDatabase);
    }

    /** The databases bbm serves. */
    List<String> databases() {
        return JsonList.of(http.send("GET", DATABASES, Map.of(), null).body()).stream()
                .map(db -> db.path("name").asText())
                .toList();
    }

    ApiResponse migrations(String status, Integer page, Integer perPage) {
        return http.send("GET", MIGRATIONS, query("status", status, "page", page, "per_page", perPage), null);
    }

    /** Every migration, following GitLab's {@code X-Next-Page} to the last page. */
    List<JsonNode> allMigrations() {
        List<JsonNode> all = new ArrayList<>();
        String page = "1";
        while (!page.isEmpty()) {
            ApiResponse response = migrations(null, Integer.valueOf(page), MAX_PER_PAGE);
            response.body().forEach(all::add);
            page = response.header("X-Next-Page");
        }
        return all;
    }

    ApiResponse migration(long id) {
        return aboutMigration(id, () -> http.send("GET", MIGRATIONS + "/" + id, query(), null));
    }

    ApiResponse jobs(long id, String status, Integer page, Integer perPage) {
        return aboutMigration(
                id,
                () -> http.send(
                        "GET",
                        MIGRATIONS + "/" + id + "/jobs",
                        query("status", status, "page", page, "per_page", perPage),
                        null));
    }

    /** {@code pause}, {@code resume} or {@code retry}. */
    ApiResponse changeStatus(long id, String action) {
        return aboutMigration(id, () -> http.send("PUT", MIGRATIONS + "/" + id + "/" + action, query(), null));
    }

    ApiResponse finalize(long id, Integer timeout) {
        return aboutMigration(
                id,
                () -> http.send(
                        "PUT", MIGRATIONS + "/" + id + "/finalize", query("wait", true, "timeout", timeout), null));
    }

    ApiResponse finalize(RakeArguments configuration, Integer timeout) {
        return about(
                named(configuration),
                () -> http.send(
                        "POST",
                        MIGRATIONS + "/finalize",
                        query("wait", true, "timeout", timeout),
                        configuration.toJson()));
    }

    ApiResponse ensureFinished(RakeArguments configuration, boolean finalize, Integer timeout) {
        return about(
                named(configuration),
                () -> http.send(
                        "POST",
                        MIGRATIONS + "/ensure_finished",
                        query("finalize", finalize ? true : null, "timeout", finalize ? timeout : null),
                        configuration.toJson()));
    }

    ApiResponse markFinished(long id) {
        ObjectNode confirm = Json.MAPPER.createObjectNode().put("confirm", true);
        return aboutMigration(id, () -> http.send("PUT", MIGRATIONS + "/" + id + "/mark_finished", query(), confirm));
    }

    /** How many jobs of the non-batched background migrations' queue are still to run, per class. */
    ApiResponse remaining() {
        return http.send("GET", BACKGROUND_MIGRATIONS + "/remaining", query(), null);
    }

    ApiResponse pending(String className, Integer page, Integer perPage) {
        return http.send(
                "GET",
                BACKGROUND_MIGRATIONS + "/pending",
                query("class_name", className, "page", page, "per_page", perPage),
                null);
    }

    /** GitLab's {@code Gitlab::BackgroundMigration.steal(class_name)}: runs that class's pending jobs now. */
    ApiResponse steal(String className) {
        return http.send("POST", BACKGROUND_MIGRATIONS + "/steal", query(), classBody(className));
    }

    /** Runs the pending jobs again, of one class or ({@code null}) of all. */
    ApiResponse retryPending(String className) {
        return http.send("POST", BACKGROUND_MIGRATIONS + "/retry_pending", query(), classBody(className));
    }

    private static ObjectNode classBody(String className) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        return className == null ? body : body.put("class_name", className);
    }

    private static String named(RakeArguments configuration) {
        return "migration " + configuration.label() + " with job_arguments " + configuration.jobArguments();
    }

    private ApiResponse aboutMigration(long id, Supplier<ApiResponse> call) {
        return about("migration " + id, call);
    }

    /** A 404 names what was looked for and the database it was looked for in. */
    private ApiResponse about(String what, Supplier<ApiResponse> call) {
        try {
            return call.get();
        } catch (CliException e) {
            if (e.httpStatus() == 404) {
                throw new CliException(Bbm.NOT_FOUND, what + " not found in database " + database, e.httpStatus());
            }
            throw e;
        }
    }

    /** The database first, then name/value pairs; {@code null} values are left out of the URL. */
    private Map<String, Object> query(Object... pairs) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("database", database == null ? DatabaseUrls.MAIN : database);
        for (int i = 0; i < pairs.length; i += 2) {
            query.put((String) pairs[i], pairs[i + 1]);
        }
        return query;
    }
}
