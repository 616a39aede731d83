package dev.bbm.api;

import static dev.bbm.support.Api.ADMIN_TOKEN;
import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.READ_TOKEN;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.reader;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input against every endpoint that takes input: each case must be refused with its
 * precise 4xx status as application/problem+json whose detail helps a person and leaks no Java,
 * and must leave the database exactly as it was (bookkeeping, settings, the target table, the
 * set of tables).
 *
 * <p>Requests go through {@link HttpClient} rather than RestAssured so that paths, headers,
 * content types and body bytes are sent exactly as written (no normalisation, no added charset).
 *
 * <p>The bugs this suite found are listed, fixed, in docs/reliability.md.
 */
@QuarkusTest
class HostileInputTest {

    private static final String TABLE = "hostile_events";
    private static final int TABLE_ROWS = 200;
    /** Fixture ids: {@link #setUp} restarts the sequence, so they are stable. */
    private static final long ACTIVE = 1;

    private static final long FINISHED = 2;
    private static final long UNKNOWN = 424242;
    private static final String SETTINGS = "/api/v4/application/settings";
    private static final String JSON = "application/json";
    private static final String PRIVATE_TOKEN = "PRIVATE-TOKEN";
    private static final int BODY_LIMIT = 64 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** Java leaking into a detail: package names, exception names, stack frames, Jackson's own wording. */
    private static final List<Pattern> LEAKS = List.of(
            Pattern.compile("Exception|Throwable|Caused by|\\tat |\\.java:\\d"),
            Pattern.compile("\\b(java|javax|jakarta|com\\.fasterxml|io\\.vertx|io\\.quarkus|io\\.smallrye|io\\.netty"
                    + "|org\\.jboss|org\\.postgresql|dev\\.bbm)\\."),
            Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z][A-Za-z0-9_$]*"),
            Pattern.compile("\\b(QueueMigrationRequest|ConfigurationRequest|MarkFinishedRequest|SettingsResponse"
                    + "|MigrationResponse|JobResponse|ApiException|JsonNode|ObjectNode|ArrayNode|TextNode|Integer|Long"
                    + "|Boolean|String|Uni|Multi|Optional)\\b"),
            Pattern.compile("`|\\[Source:|REDACTED|through reference chain|Cannot deserialize|Unrecognized field"));

    @Inject
    Pool pool;

    Db db;
    private Snapshot before;

    @BeforeEach
    void setUp() {
        db = new Db(pool);
        db.clearMigrations();
        db.createCopyTable(TABLE, TABLE_ROWS, 7);
        // 1: an active copy migration (status → b, so that no queue() body repeats its configuration,
        // which would answer 200 with it before range checks); 2: a finished backfill with one job and its log.
        db.exec("INSERT INTO batched_background_migrations (job_class_name, table_name, column_name, job_arguments,"
                + " min_value, max_value, batch_size, sub_batch_size, \"interval\", status) VALUES"
                + " ('CopyColumnUsingBackgroundMigrationJob', '" + TABLE
                + "', 'id', '[[\"status\"],[\"b\"]]', 1, 200, 50, 10, 120, 1),"
                + " ('BackfillColumnJob', '" + TABLE + "', 'id', '[[\"status\"],[0]]', 1, 200, 50, 10, 120, 3)");
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,"
                + " batch_size, sub_batch_size, status, attempts) VALUES (" + FINISHED + ", 1, 200, 50, 10, 3, 1)");
        db.exec("INSERT INTO batched_background_migration_job_transition_logs (batched_background_migration_job_id,"
                + " previous_status, next_status) SELECT id, 1, 3 FROM batched_background_migration_jobs");
        before = snapshot();
    }

    // ---- The cases ------------------------------------------------------------------------------

    static Stream<Case> cases() {
        return all().stream();
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        String copy = queue();
        String config = configuration(TABLE);

        // -- SQL injection in identifiers: all checked against a plain-identifier pattern, then the catalog.
        String g = "injection in identifiers";
        cases.add(req(g, "table_name with ; DROP TABLE")
                .post(MIGRATIONS)
                .json(queue("table_name", str(TABLE + "; DROP TABLE " + TABLE)))
                .expect(422, "table_name"));
        cases.add(req(g, "table_name closing a quote")
                .post(MIGRATIONS)
                .json(queue("table_name", str(TABLE + "\"; DROP TABLE " + TABLE + "; --")))
                .expect(422, "table_name"));
        cases.add(req(g, "table_name with OR 1=1")
                .post(MIGRATIONS)
                .json(queue("table_name", str(TABLE + "' OR '1'='1")))
                .expect(422, "table_name"));
        cases.add(req(g, "table_name as a subquery")
                .post(MIGRATIONS)
                .json(queue("table_name", str("(SELECT * FROM " + TABLE + ")")))
                .expect(422, "table_name"));
        cases.add(req(g, "table_name with three parts")
                .post(MIGRATIONS)
                .json(queue("table_name", str("postgres.public." + TABLE)))
                .expect(422, "table_name"));
        cases.add(req(g, "column_name with ; DROP TABLE")
                .post(MIGRATIONS)
                .json(queue("column_name", str("id; DROP TABLE " + TABLE)))
                .expect(422, "column_name"));
        cases.add(req(g, "column_name as an expression")
                .post(MIGRATIONS)
                .json(queue("column_name", str("id) OR (1=1")))
                .expect(422, "column_name"));
        cases.add(req(g, "column_name with a comment")
                .post(MIGRATIONS)
                .json(queue("column_name", str("id/**/")))
                .expect(422, "column_name"));
        cases.add(req(g, "source column injection")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[\"a = 1; DROP TABLE " + TABLE + "; --\"],[\"b\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "target column closing a quote")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[\"a\"],[\"b\\\" = 0, \\\"a\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill column injection")
                .post(MIGRATIONS)
                .json(backfill("[[\"status = 1; DROP TABLE " + TABLE + "; --\"],[0]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "delete condition column injection")
                .post(MIGRATIONS)
                .json(delete("[[\"label OR 1=1 --\"],[\"x\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "argument column name as a number")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[1],[\"b\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "argument column name as an object")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[{\"sql\":\"DROP TABLE x\"}],[\"b\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "list table_name filter with a NUL")
                .get(MIGRATIONS + "?table_name=" + TABLE + "%00")
                .expect(400, "table_name"));
        cases.add(req(g, "list job_class_name filter with a NUL")
                .get(MIGRATIONS + "?job_class_name=%00")
                .expect(400, "job_class_name"));
        cases.add(req(g, "finalize by configuration with a NUL in table_name")
                .post(MIGRATIONS + "/finalize")
                .json(configuration(TABLE + "\u0000"))
                .expect(404, "configuration"));
        cases.add(req(g, "ensure_finished with a NUL in job_arguments")
                .post(MIGRATIONS + "/ensure_finished")
                .json(configurationOf("BackfillColumnJob", TABLE, "[[\"status\"],[\"\\u0000\"]]"))
                .expect(404, "configuration"));
        cases.add(req(g, "finalize by configuration with an injected table")
                .post(MIGRATIONS + "/finalize")
                .json(configuration(TABLE + "'; DROP TABLE " + TABLE + "; --"))
                .expect(404, "configuration"));
        cases.add(req(g, "ensure_finished with an injected column")
                .post(MIGRATIONS + "/ensure_finished")
                .json(configuration(TABLE).replace("\"column_name\":\"id\"", "\"column_name\":\"id' OR '1'='1\""))
                .expect(404, "configuration"));
        cases.add(req(g, "list status filter injection")
                .get(MIGRATIONS + "?status=active%27%20OR%20%271%27%3D%271")
                .expect(400, "status"));
        cases.add(req(g, "jobs status filter injection")
                .get(MIGRATIONS + "/" + FINISHED + "/jobs?status=failed%3B%20DROP%20TABLE%20x")
                .expect(400, "status"));

        // -- Values of BackfillColumnJob/DeleteRowsJob are bound and cast to the column's type: a value the
        //    type cannot take is refused at queue time (the dry run); on a text column it is stored as text
        //    (see anInjectedValueForATextColumnIsStoredAsPlainText).
        g = "injection in argument values";
        cases.add(req(g, "backfill SQL as an integer value")
                .post(MIGRATIONS)
                .json(backfill("[[\"status\"],[\"'; DROP TABLE " + TABLE + "; --\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill OR 1=1 as an integer value")
                .post(MIGRATIONS)
                .json(backfill("[[\"status\"],[\"1 OR 1=1\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill integer out of range")
                .post(MIGRATIONS)
                .json(backfill("[[\"status\"],[99999999999999999999]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill boolean for an integer")
                .post(MIGRATIONS)
                .json(backfill("[[\"status\"],[true]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill null value")
                .post(MIGRATIONS)
                .json(backfill("[[\"status\"],[null]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill object value")
                .post(MIGRATIONS)
                .json(backfill("[[\"status\"],[{\"$ne\":0}]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill of the batching column")
                .post(MIGRATIONS)
                .json(backfill("[[\"id\"],[1]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "delete SQL as an integer value")
                .post(MIGRATIONS)
                .json(delete("[[\"status\"],[\"0 OR 1=1\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "delete with a NUL byte in a text value")
                .post(MIGRATIONS)
                .json(delete("[[\"label\"],[\"a\\u0000b\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "NUL byte in an argument column")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[\"a\\u0000\"],[\"b\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "backfill values longer than columns")
                .post(MIGRATIONS)
                .json(backfill("[[\"status\"],[0, 1]]"))
                .expect(422, "job_arguments"));

        // -- Unicode, overlong, reserved and quoted names.
        g = "unicode, overlong, reserved and quoted names";
        cases.add(req(g, "accented table name")
                .post(MIGRATIONS)
                .json(queue("table_name", str("événements")))
                .expect(422, "table_name"));
        cases.add(req(g, "Cyrillic look-alike table name")
                .post(MIGRATIONS)
                .json(queue("table_name", str("hostilе_events")))
                .expect(422, "table_name"));
        cases.add(req(g, "zero-width space in a table name")
                .post(MIGRATIONS)
                .json(queue("table_name", str("hostile\u200b_events")))
                .expect(422, "table_name"));
        cases.add(req(g, "NUL byte in a table name")
                .post(MIGRATIONS)
                .json(queue("table_name", "\"hostile_events\\u0000\""))
                .expect(422, "table_name"));
        cases.add(req(g, "emoji column name")
                .post(MIGRATIONS)
                .json(queue("column_name", str("id\uD83D\uDCA3")))
                .expect(422, "column_name"));
        cases.add(req(g, "right-to-left override in an argument")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[\"a\"],[\"b\u202e\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "64-character table name")
                .post(MIGRATIONS)
                .json(queue("table_name", str("t".repeat(64))))
                .expect(422, "table_name"));
        cases.add(req(g, "63-character table name that does not exist")
                .post(MIGRATIONS)
                .json(queue("table_name", str("t".repeat(63))))
                .expect(422, "does not exist"));
        cases.add(req(g, "64-character column name")
                .post(MIGRATIONS)
                .json(queue("column_name", str("c".repeat(64))))
                .expect(422, "column_name"));
        cases.add(req(g, "64-character argument column")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[\"a\"],[\"" + "b".repeat(64) + "\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "10,000-character table name")
                .post(MIGRATIONS)
                .json(queue("table_name", str("x".repeat(10_000))))
                .expect(422, "table_name"));
        cases.add(req(g, "reserved word as a table that does not exist")
                .post(MIGRATIONS)
                .json(queue("table_name", str("user")))
                .expect(422, "table_name"));
        cases.add(req(g, "reserved word as a column that does not exist")
                .post(MIGRATIONS)
                .json(queue("column_name", str("select")))
                .expect(422, "column_name"));
        cases.add(req(g, "quoted table name")
                .post(MIGRATIONS)
                .json(queue("table_name", str("\"" + TABLE + "\"")))
                .expect(422, "table_name"));
        cases.add(req(g, "quoted mixed-case table name")
                .post(MIGRATIONS)
                .json(queue("table_name", str("\"Foo\"")))
                .expect(422, "table_name"));
        cases.add(req(g, "quoted column name")
                .post(MIGRATIONS)
                .json(queue("column_name", str("\"id\"")))
                .expect(422, "column_name"));
        cases.add(req(g, "quoted argument column")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[[\"\\\"a\\\"\"],[\"b\"]]"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "upper-case spelling of a lower-case table")
                .post(MIGRATIONS)
                .json(queue("table_name", str(TABLE.toUpperCase())))
                .expect(422, "does not exist"));
        cases.add(req(g, "empty schema before the table")
                .post(MIGRATIONS)
                .json(queue("table_name", str("." + TABLE)))
                .expect(422, "table_name"));

        // -- bbm's own bookkeeping and PostgreSQL's catalogs are not tables to migrate.
        g = "system and bookkeeping tables";
        cases.add(req(g, "delete rows of batched_background_migrations")
                .post(MIGRATIONS)
                .json("{\"job_class_name\":\"DeleteRowsJob\",\"table_name\":\"batched_background_migrations\","
                        + "\"column_name\":\"id\",\"job_arguments\":[[\"status\"],[1]]}")
                .expect(422, "table_name"));
        cases.add(req(g, "backfill a column of pg_catalog.pg_class")
                .post(MIGRATIONS)
                .json("{\"job_class_name\":\"BackfillColumnJob\",\"table_name\":\"pg_catalog.pg_class\","
                        + "\"column_name\":\"relpages\",\"job_arguments\":[[\"relallvisible\"],[0]]}")
                .expect(422, "table_name"));

        // -- Numbers at and just past their bounds (the accepted bounds are in anAllowedBoundaryValueIsAccepted).
        g = "numbers past their bounds";
        cases.add(req(g, "batch_size 0")
                .post(MIGRATIONS)
                .json(queue("batch_size", "0"))
                .expect(422, "batch_size"));
        cases.add(req(g, "batch_size -1")
                .post(MIGRATIONS)
                .json(queue("batch_size", "-1"))
                .expect(422, "batch_size"));
        cases.add(req(g, "batch_size 2147483648")
                .post(MIGRATIONS)
                .json(queue("batch_size", "2147483648"))
                .expect(400, "out of range"));
        cases.add(req(g, "sub_batch_size 0")
                .post(MIGRATIONS)
                .json(queue("sub_batch_size", "0"))
                .expect(422, "sub_batch_size"));
        cases.add(req(g, "sub_batch_size above batch_size")
                .post(MIGRATIONS)
                .json(queue("batch_size", "1", "sub_batch_size", "2"))
                .expect(422, "sub_batch_size"));
        cases.add(req(g, "interval 32768")
                .post(MIGRATIONS)
                .json(queue("interval", "32768"))
                .expect(422, "interval"));
        cases.add(req(g, "interval -1")
                .post(MIGRATIONS)
                .json(queue("interval", "-1"))
                .expect(422, "interval"));
        cases.add(req(g, "pause_ms 600001")
                .post(MIGRATIONS)
                .json(queue("pause_ms", "600001"))
                .expect(422, "pause_ms"));
        cases.add(req(g, "priority 32768")
                .post(MIGRATIONS)
                .json(queue("priority", "32768"))
                .expect(422, "priority"));
        cases.add(req(g, "priority -1")
                .post(MIGRATIONS)
                .json(queue("priority", "-1"))
                .expect(422, "priority"));
        cases.add(req(g, "min_value 9223372036854775808")
                .post(MIGRATIONS)
                .json(queue("min_value", "9223372036854775808"))
                .expect(400, "out of range"));
        cases.add(req(g, "max_value 0")
                .post(MIGRATIONS)
                .json(queue("max_value", "0"))
                .expect(422, "max_value"));
        cases.add(req(g, "max_value below min_value")
                .post(MIGRATIONS)
                .json(queue("min_value", "100", "max_value", "99"))
                .expect(422, "max_value"));
        cases.add(req(g, "max_batch_size below batch_size")
                .post(MIGRATIONS)
                .json(queue("batch_size", "100", "max_batch_size", "99"))
                .expect(422, "max_batch_size"));
        cases.add(req(g, "a number of 2,000 digits")
                .post(MIGRATIONS)
                .json(queue("batch_size", "9".repeat(2000)))
                .expect(400, "JSON"));
        cases.add(req(g, "list per_page 101").get(MIGRATIONS + "?per_page=101").expect(400, "per_page"));
        cases.add(req(g, "list per_page 0").get(MIGRATIONS + "?per_page=0").expect(400, "per_page"));
        cases.add(req(g, "list page 0").get(MIGRATIONS + "?page=0").expect(400, "page"));
        cases.add(req(g, "list page -1").get(MIGRATIONS + "?page=-1").expect(400, "page"));
        cases.add(req(g, "list page 2147483648")
                .get(MIGRATIONS + "?page=2147483648")
                .expect(400, "page"));
        cases.add(req(g, "list per_page as a word")
                .get(MIGRATIONS + "?per_page=ten")
                .expect(400, "per_page"));
        cases.add(req(g, "list per_page in hex")
                .get(MIGRATIONS + "?per_page=0x10")
                .expect(400, "per_page"));
        cases.add(req(g, "jobs per_page 101")
                .get(MIGRATIONS + "/" + FINISHED + "/jobs?per_page=101")
                .expect(400, "per_page"));
        cases.add(req(g, "jobs page 0")
                .get(MIGRATIONS + "/" + FINISHED + "/jobs?page=0")
                .expect(400, "page"));
        cases.add(req(g, "settings max running 101")
                .put(SETTINGS)
                .json("{\"database_max_running_batched_background_migrations\": 101}")
                .expect(422, "database_max_running_batched_background_migrations"));
        cases.add(req(g, "settings max running -1")
                .put(SETTINGS)
                .json("{\"database_max_running_batched_background_migrations\": -1}")
                .expect(422, "database_max_running_batched_background_migrations"));
        cases.add(req(g, "settings max running 2147483648")
                .put(SETTINGS)
                .json("{\"database_max_running_batched_background_migrations\": 2147483648}")
                .expect(400, "out of range"));
        cases.add(req(g, "finalize timeout not a number")
                .put(MIGRATIONS + "/" + ACTIVE + "/finalize?timeout=abc")
                .expect(400, "timeout"));
        cases.add(req(g, "finalize timeout past int")
                .put(MIGRATIONS + "/" + ACTIVE + "/finalize?timeout=99999999999")
                .expect(400, "timeout"));
        cases.add(req(g, "ensure_finished timeout not a number")
                .post(MIGRATIONS + "/ensure_finished?finalize=true&timeout=abc")
                .json(config)
                .expect(400, "timeout"));
        // ASCII digits only: Integer.parseInt also reads other scripts' digits ("٢" is 2) and a plus sign.
        cases.add(req(g, "list page in Arabic-Indic digits")
                .get(MIGRATIONS + "?page=%D9%A2")
                .expect(400, "page"));
        cases.add(req(g, "list per_page in full-width digits")
                .get(MIGRATIONS + "?per_page=%EF%BC%95")
                .expect(400, "per_page"));
        cases.add(req(g, "list page with a plus sign")
                .get(MIGRATIONS + "?page=%2B1")
                .expect(400, "page"));
        cases.add(req(g, "jobs page in Devanagari digits")
                .get(MIGRATIONS + "/" + FINISHED + "/jobs?page=%E0%A5%A8")
                .expect(400, "page"));
        cases.add(req(g, "finalize timeout in Arabic-Indic digits")
                .put(MIGRATIONS + "/" + ACTIVE + "/finalize?timeout=%D9%A3%D9%A0")
                .expect(400, "timeout"));

        // -- Flags take true or false (any case); JAX-RS reads every other word as false.
        g = "boolean query parameters";
        cases.add(req(g, "finalize force=1")
                .put(MIGRATIONS + "/" + ACTIVE + "/finalize?force=1")
                .expect(400, "force"));
        cases.add(req(g, "finalize wait=yes")
                .put(MIGRATIONS + "/" + ACTIVE + "/finalize?wait=yes")
                .expect(400, "wait"));
        cases.add(req(g, "finalize force without a value")
                .put(MIGRATIONS + "/" + ACTIVE + "/finalize?force")
                .expect(400, "force"));
        cases.add(req(g, "finalize by configuration wait=1")
                .post(MIGRATIONS + "/finalize?wait=1")
                .json(config)
                .expect(400, "wait"));
        cases.add(req(g, "finalize by configuration force=on")
                .post(MIGRATIONS + "/finalize?force=on")
                .json(config)
                .expect(400, "force"));
        cases.add(req(g, "ensure_finished finalize=yes")
                .post(MIGRATIONS + "/ensure_finished?finalize=yes")
                .json(config)
                .expect(400, "finalize"));
        cases.add(req(g, "ensure_finished finalize=0")
                .post(MIGRATIONS + "/ensure_finished?finalize=0")
                .json(config)
                .expect(400, "finalize"));

        // -- Wrong JSON types in every field.
        g = "wrong JSON types";
        cases.add(req(g, "job_class_name as a number")
                .post(MIGRATIONS)
                .json(queue("job_class_name", "5"))
                .expect(400, "job_class_name"));
        cases.add(req(g, "job_class_name as an array")
                .post(MIGRATIONS)
                .json(queue("job_class_name", "[\"DeleteRowsJob\"]"))
                .expect(400, "job_class_name"));
        cases.add(req(g, "job_class_name null")
                .post(MIGRATIONS)
                .json(queue("job_class_name", "null"))
                .expect(422, "job_class_name"));
        cases.add(req(g, "table_name as an object")
                .post(MIGRATIONS)
                .json(queue("table_name", "{\"name\":\"x\"}"))
                .expect(400, "table_name"));
        cases.add(req(g, "table_name as a boolean")
                .post(MIGRATIONS)
                .json(queue("table_name", "true"))
                .expect(400, "table_name"));
        cases.add(req(g, "column_name as a number")
                .post(MIGRATIONS)
                .json(queue("column_name", "1"))
                .expect(400, "column_name"));
        cases.add(req(g, "job_arguments as a string")
                .post(MIGRATIONS)
                .json(queue("job_arguments", str("[[\"a\"],[\"b\"]]")))
                .expect(422, "job_arguments"));
        cases.add(req(g, "job_arguments as a number")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "7"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "job_arguments nested too deep")
                .post(MIGRATIONS)
                .json(queue("job_arguments", "[".repeat(3000) + "]".repeat(3000)))
                .expect(400, "JSON"));
        cases.add(req(g, "batch_size as a boolean")
                .post(MIGRATIONS)
                .json(queue("batch_size", "true"))
                .expect(400, "batch_size"));
        cases.add(req(g, "batch_size as an array")
                .post(MIGRATIONS)
                .json(queue("batch_size", "[10]"))
                .expect(400, "batch_size"));
        cases.add(req(g, "batch_size in exponent notation")
                .post(MIGRATIONS)
                .json(queue("batch_size", "1e3"))
                .expect(400, "batch_size"));
        cases.add(req(g, "sub_batch_size as a string")
                .post(MIGRATIONS)
                .json(queue("sub_batch_size", "\"10\""))
                .expect(400, "sub_batch_size"));
        cases.add(req(g, "interval as a fraction")
                .post(MIGRATIONS)
                .json(queue("interval", "0.5"))
                .expect(400, "interval"));
        cases.add(req(g, "pause_ms as an object")
                .post(MIGRATIONS)
                .json(queue("pause_ms", "{}"))
                .expect(400, "pause_ms"));
        cases.add(req(g, "min_value as a string")
                .post(MIGRATIONS)
                .json(queue("min_value", "\"1\""))
                .expect(400, "min_value"));
        cases.add(req(g, "max_value as a boolean")
                .post(MIGRATIONS)
                .json(queue("max_value", "false"))
                .expect(400, "max_value"));
        cases.add(req(g, "max_batch_size as a string")
                .post(MIGRATIONS)
                .json(queue("max_batch_size", "\"big\""))
                .expect(400, "max_batch_size"));
        cases.add(req(g, "priority as a fraction")
                .post(MIGRATIONS)
                .json(queue("priority", "0.5"))
                .expect(400, "priority"));
        cases.add(req(g, "the body as an array")
                .post(MIGRATIONS)
                .json("[" + copy + "]")
                .expect(400, "JSON object"));
        cases.add(
                req(g, "the body as a string").post(MIGRATIONS).json(str(copy)).expect(400, "JSON object"));
        cases.add(req(g, "the body as null").post(MIGRATIONS).json("null").expect(400, "JSON object"));
        cases.add(req(g, "finalize by configuration: job_class_name as a number")
                .post(MIGRATIONS + "/finalize")
                .json(config.replace("\"CopyColumnUsingBackgroundMigrationJob\"", "3"))
                .expect(400, "job_class_name"));
        cases.add(req(g, "finalize by configuration: job_arguments as an object")
                .post(MIGRATIONS + "/finalize")
                .json(config.replace("[[\"status\"],[\"b\"]]", "{\"a\":\"b\"}"))
                .expect(422, "job_arguments"));
        cases.add(req(g, "ensure_finished: table_name as an array")
                .post(MIGRATIONS + "/ensure_finished")
                .json(config.replace("\"" + TABLE + "\"", "[\"" + TABLE + "\"]"))
                .expect(400, "table_name"));
        cases.add(req(g, "ensure_finished: missing names")
                .post(MIGRATIONS + "/ensure_finished")
                .json("{\"job_arguments\":[[\"a\"],[\"b\"]]}")
                .expect(422, "job_class_name"));
        cases.add(req(g, "mark_finished: confirm as a string")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("{\"confirm\": \"true\"}")
                .expect(400, "confirm"));
        cases.add(req(g, "mark_finished: confirm as a number")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("{\"confirm\": 1}")
                .expect(400, "confirm"));
        cases.add(req(g, "mark_finished: confirm null")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("{\"confirm\": null}")
                .expect(422, "confirm"));
        cases.add(req(g, "mark_finished: confirm false")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("{\"confirm\": false}")
                .expect(422, "confirm"));
        cases.add(req(g, "settings: max running as a string")
                .put(SETTINGS)
                .json("{\"database_max_running_batched_background_migrations\": \"4\"}")
                .expect(400, "database_max_running_batched_background_migrations"));
        cases.add(req(g, "settings: max running as a fraction")
                .put(SETTINGS)
                .json("{\"database_max_running_batched_background_migrations\": 4.5}")
                .expect(400, "database_max_running_batched_background_migrations"));
        cases.add(req(g, "settings: switch as a string")
                .put(SETTINGS)
                .json("{\"execute_batched_migrations_on_schedule\": \"true\"}")
                .expect(400, "execute_batched_migrations_on_schedule"));
        cases.add(req(g, "settings: switch as a number")
                .put(SETTINGS)
                .json("{\"execute_batched_migrations_on_schedule\": 1}")
                .expect(400, "execute_batched_migrations_on_schedule"));
        cases.add(req(g, "settings: body as an array").put(SETTINGS).json("[]").expect(400, "JSON object"));

        // -- Malformed, empty, duplicated and oversized bodies.
        g = "malformed, empty and huge bodies";
        cases.add(req(g, "truncated JSON")
                .post(MIGRATIONS)
                .json(copy.substring(0, copy.length() / 2))
                .expect(400, "JSON"));
        cases.add(req(g, "single-quoted JSON")
                .post(MIGRATIONS)
                .json(copy.replace('"', '\''))
                .expect(400, "JSON"));
        cases.add(req(g, "trailing comma")
                .post(MIGRATIONS)
                .json(copy.replace("}", ",}"))
                .expect(400, "JSON"));
        cases.add(req(g, "a comment in JSON")
                .post(MIGRATIONS)
                .json("/* hi */" + copy)
                .expect(400, "JSON"));
        cases.add(req(g, "trailing garbage after the object")
                .post(MIGRATIONS)
                .json(copy + " DROP TABLE " + TABLE)
                .expect(400, "JSON"));
        cases.add(req(g, "two objects").post(MIGRATIONS).json(copy + copy).expect(400, "JSON"));
        cases.add(req(g, "invalid UTF-8")
                .post(MIGRATIONS)
                .json(queue("table_name", "\"hostile\u00ff\u00feevents\""))
                .charset(StandardCharsets.ISO_8859_1)
                .expect(400, "JSON"));
        cases.add(req(g, "queue with an empty body").post(MIGRATIONS).json("").expect(400, "JSON object"));
        cases.add(req(g, "queue with whitespace only")
                .post(MIGRATIONS)
                .json(" \n\t ")
                .expect(400, "JSON object"));
        cases.add(
                req(g, "queue with an empty object").post(MIGRATIONS).json("{}").expect(422, "job_class_name"));
        cases.add(req(g, "finalize by configuration with an empty body")
                .post(MIGRATIONS + "/finalize")
                .json("")
                .expect(400, "job_class_name"));
        cases.add(req(g, "ensure_finished with an empty body")
                .post(MIGRATIONS + "/ensure_finished")
                .json("")
                .expect(400, "job_class_name"));
        cases.add(req(g, "mark_finished with an empty body")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("")
                .expect(422, "confirm"));
        cases.add(req(g, "settings with an empty body").put(SETTINGS).json("").expect(400, "JSON object"));
        cases.add(req(g, "settings truncated")
                .put(SETTINGS)
                .json("{\"execute_batched_migrations_on_schedule\": tr")
                .expect(400, "JSON"));
        cases.add(req(g, "duplicate key that flips confirm")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("{\"confirm\": false, \"confirm\": true}")
                .expect(400, "confirm"));
        cases.add(req(g, "duplicate table_name key")
                .post(MIGRATIONS)
                .json(queue().replace("{", "{\"table_name\":\"batched_background_migrations\","))
                .expect(400, "table_name"));
        cases.add(req(g, "body just over the limit")
                .post(MIGRATIONS)
                .json(padded(copy, BODY_LIMIT + 1))
                .expect(413, "too large"));
        cases.add(req(g, "body of 1 MiB")
                .post(MIGRATIONS)
                .json(padded(copy, 1024 * 1024))
                .expect(413, "too large"));
        cases.add(req(g, "chunked body over the limit")
                .post(MIGRATIONS)
                .json(padded(copy, 2 * BODY_LIMIT))
                .chunked()
                .expect(413, "too large"));
        cases.add(req(g, "settings body over the limit")
                .put(SETTINGS)
                .json(padded("{\"execute_batched_migrations_on_schedule\": true}", BODY_LIMIT + 100))
                .expect(413, "too large"));
        cases.add(req(g, "mark_finished body over the limit")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json(padded("{\"confirm\": true}", BODY_LIMIT + 100))
                .expect(413, "too large"));
        cases.add(req(g, "chunked settings body over the limit")
                .put(SETTINGS)
                .json(padded("{\"execute_batched_migrations_on_schedule\": true}", BODY_LIMIT + 100))
                .chunked()
                .expect(413, "too large"));
        cases.add(req(g, "chunked mark_finished body of 1 MiB")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json(padded("{\"confirm\": true}", 1024 * 1024))
                .chunked()
                .expect(413, "too large"));

        // -- Content types and unknown fields.
        g = "content types and unknown fields";
        cases.add(req(g, "queue as text/plain")
                .post(MIGRATIONS)
                .body("text/plain", copy)
                .expect(415, "application/json"));
        cases.add(req(g, "queue as XML")
                .post(MIGRATIONS)
                .body("application/xml", "<migration/>")
                .expect(415, "application/json"));
        cases.add(req(g, "queue as a form")
                .post(MIGRATIONS)
                .body("application/x-www-form-urlencoded", "table_name=" + TABLE)
                .expect(415, "application/json"));
        cases.add(req(g, "queue as multipart")
                .post(MIGRATIONS)
                .body("multipart/form-data; boundary=x", "--x--")
                .expect(415, "application/json"));
        cases.add(req(g, "queue as a garbage media type")
                .post(MIGRATIONS)
                .body("json", copy)
                .expect(415, "application/json"));
        cases.add(req(g, "finalize by configuration as text/plain")
                .post(MIGRATIONS + "/finalize")
                .body("text/plain", config)
                .expect(415, "application/json"));
        cases.add(req(g, "ensure_finished as text/plain")
                .post(MIGRATIONS + "/ensure_finished")
                .body("text/plain", config)
                .expect(415, "application/json"));
        cases.add(req(g, "mark_finished as a form")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .body("application/x-www-form-urlencoded", "confirm=true")
                .expect(415, "application/json"));
        cases.add(req(g, "settings as text/plain")
                .put(SETTINGS)
                .body("text/plain", "{\"execute_batched_migrations_on_schedule\": true}")
                .expect(415, "application/json"));
        cases.add(req(g, "list accepting only XML")
                .get(MIGRATIONS)
                .header("Accept", "application/xml")
                .expect(406, "application/json"));
        cases.add(req(g, "queue with an unknown field")
                .post(MIGRATIONS)
                .json(queue("sql", str("DROP TABLE " + TABLE)))
                .expect(400, "sql"));
        cases.add(req(g, "queue with a camelCase field")
                .post(MIGRATIONS)
                .json(queue("batchSize", "10"))
                .expect(400, "batchSize"));
        cases.add(req(g, "queue setting its own status")
                .post(MIGRATIONS)
                .json(queue("status", str("finished")))
                .expect(400, "status"));
        cases.add(req(g, "queue setting its own id")
                .post(MIGRATIONS)
                .json(queue("id", "1"))
                .expect(400, "id"));
        cases.add(req(g, "finalize by configuration with an unknown field")
                .post(MIGRATIONS + "/finalize")
                .json(config.replace("{", "{\"force\":true,"))
                .expect(400, "force"));
        cases.add(req(g, "ensure_finished with an unknown field")
                .post(MIGRATIONS + "/ensure_finished")
                .json(config.replace("{", "{\"status\":\"finished\","))
                .expect(400, "status"));
        cases.add(req(g, "mark_finished with an unknown field")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("{\"confirm\": true, \"reason\": \"because\"}")
                .expect(400, "reason"));
        cases.add(req(g, "settings with an unknown field")
                .put(SETTINGS)
                .json("{\"execute_batched_migrations_on_schedule\": true, \"admin\": true}")
                .expect(400, "admin"));

        // -- Tokens.
        g = "tokens";
        cases.add(req(g, "queue without a token")
                .post(MIGRATIONS)
                .json(copy)
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "settings without a token")
                .put(SETTINGS)
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "list without a token").get(MIGRATIONS).noToken().expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "pause with an empty token")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("")
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "pause with a blank token")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("   ")
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "a wrong token")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("admin-secreT")
                .expect(401, "token"));
        cases.add(req(g, "a prefix of the token")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("admin-secre")
                .expect(401, "token"));
        cases.add(req(g, "the token with a suffix")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token(ADMIN_TOKEN + "x")
                .expect(401, "token"));
        cases.add(req(g, "the token in its name:secret form")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("test-admin:" + ADMIN_TOKEN)
                .expect(401, "token"));
        cases.add(req(g, "a token of 10,000 characters")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("a".repeat(10_000))
                .expect(401, "token"));
        cases.add(req(g, "an SQL token")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("' OR '1'='1")
                .expect(401, "token"));
        cases.add(req(g, "Bearer prefix in PRIVATE-TOKEN")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("Bearer " + ADMIN_TOKEN)
                .expect(401, "token"));
        cases.add(req(g, "Bearer without a token")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .noToken()
                .header("Authorization", "Bearer ")
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "Basic authentication")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .noToken()
                .header("Authorization", "Basic dGVzdC1hZG1pbjphZG1pbi1zZWNyZXQ=")
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "another scheme")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .noToken()
                .header("Authorization", "Token " + ADMIN_TOKEN)
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "token in the query string")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause?private_token=" + ADMIN_TOKEN)
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "wrong PRIVATE-TOKEN with a good Bearer")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token("nope")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .expect(401, "token"));
        cases.add(req(g, "read PRIVATE-TOKEN with an admin Bearer")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token(READ_TOKEN)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token queues")
                .post(MIGRATIONS)
                .json(copy)
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token pauses")
                .put(MIGRATIONS + "/" + ACTIVE + "/pause")
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token resumes")
                .put(MIGRATIONS + "/" + ACTIVE + "/resume")
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token retries")
                .put(MIGRATIONS + "/" + ACTIVE + "/retry")
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token finalizes")
                .put(MIGRATIONS + "/" + ACTIVE + "/finalize")
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token marks finished")
                .put(MIGRATIONS + "/" + ACTIVE + "/mark_finished")
                .json("{\"confirm\": true}")
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token finalizes by configuration")
                .post(MIGRATIONS + "/finalize")
                .json(config)
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token ensures finished")
                .post(MIGRATIONS + "/ensure_finished")
                .json(configurationOf("BackfillColumnJob", TABLE, "[[\"status\"],[0]]"))
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token changes settings")
                .put(SETTINGS)
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .token(READ_TOKEN)
                .expect(403, "admin token"));
        cases.add(req(g, "read token deletes a migration")
                .method("DELETE", MIGRATIONS + "/" + ACTIVE)
                .token(READ_TOKEN)
                .expect(403, "admin token"));

        // -- Paths: traversal, encoded dots, junk ids, tricks to skip the token check.
        g = "paths and ids";
        cases.add(req(g, "show id ../")
                .get(MIGRATIONS + "/../batched_background_migrations/" + UNKNOWN)
                .expect(404, "migration"));
        cases.add(req(g, "show id %2e%2e").get(MIGRATIONS + "/%2e%2e").expect(404, "/api/v4"));
        cases.add(req(g, "pause id %2e%2e").put(MIGRATIONS + "/%2e%2e/pause").expect(404, "/api/v4"));
        cases.add(req(g, "show id with encoded slashes")
                .get(MIGRATIONS + "/..%2f..%2f..%2fq%2fopenapi")
                .expect(400, "id"));
        cases.add(req(g, "traversal to a file")
                .get(MIGRATIONS + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd")
                .expect(404, "path"));
        cases.add(req(g, "show id 1;DROP").get(MIGRATIONS + "/1;DROP").expect(400, "id"));
        cases.add(req(g, "pause id 1;DROP")
                .put(MIGRATIONS + "/" + ACTIVE + ";DROP/pause")
                .expect(400, "id"));
        cases.add(req(g, "resume id 1%3BDROP")
                .put(MIGRATIONS + "/1%3BDROP/resume")
                .expect(400, "id"));
        cases.add(req(g, "retry id -1").put(MIGRATIONS + "/-1/retry").expect(400, "id"));
        cases.add(req(g, "finalize id 0").put(MIGRATIONS + "/0/finalize").expect(400, "id"));
        cases.add(req(g, "mark_finished id 99999999999999999999")
                .put(MIGRATIONS + "/99999999999999999999/mark_finished")
                .json("{\"confirm\": true}")
                .expect(400, "id"));
        cases.add(req(g, "jobs id 1.0").get(MIGRATIONS + "/1.0/jobs").expect(400, "id"));
        cases.add(req(g, "jobs id abc").get(MIGRATIONS + "/abc/jobs").expect(400, "id"));
        cases.add(req(g, "show id with a NUL").get(MIGRATIONS + "/1%00").expect(400, "id"));
        cases.add(req(g, "show id with SQL").get(MIGRATIONS + "/1%20OR%201%3D1").expect(400, "id"));
        cases.add(req(g, "show id in Arabic-Indic digits")
                .get(MIGRATIONS + "/%D9%A1")
                .expect(400, "id"));
        cases.add(req(g, "show id in full-width digits")
                .get(MIGRATIONS + "/%EF%BC%91")
                .expect(400, "id"));
        cases.add(req(g, "pause an unknown id")
                .put(MIGRATIONS + "/" + UNKNOWN + "/pause")
                .expect(404, "migration"));
        cases.add(req(g, "jobs of an unknown id")
                .get(MIGRATIONS + "/" + UNKNOWN + "/jobs")
                .expect(404, "migration"));
        cases.add(req(g, "mark_finished an unknown id")
                .put(MIGRATIONS + "/" + UNKNOWN + "/mark_finished")
                .json("{\"confirm\": true}")
                .expect(404, "migration"));
        cases.add(req(g, "an unknown action")
                .put(MIGRATIONS + "/" + ACTIVE + "/explode")
                .expect(404, "/api/v4"));
        cases.add(req(g, "an unknown API version")
                .get("/api/v5/admin/batched_background_migrations")
                .expect(404, "/api/v4"));
        cases.add(req(g, "DELETE an unknown migration")
                .method("DELETE", MIGRATIONS + "/424242")
                .expect(404, "no batched background migration"));
        cases.add(req(g, "DELETE with a malformed id")
                .method("DELETE", MIGRATIONS + "/1%3BDROP")
                .expect(400, "id"));
        cases.add(req(g, "POST to a migration")
                .post(MIGRATIONS + "/" + ACTIVE)
                .json("{}")
                .expect(405, "method"));
        cases.add(req(g, "GET an action")
                .get(MIGRATIONS + "/" + ACTIVE + "/pause")
                .expect(405, "method"));
        cases.add(req(g, "PATCH settings")
                .method("PATCH", SETTINGS)
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .expect(405, "method"));
        cases.add(req(g, "no token through /q/../api")
                .put("/q/../api/v4/application/settings")
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "no token through /api/./")
                .put("/api/v4/./application/settings")
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "no token through an encoded a")
                .put("/%61pi/v4/application/settings")
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "no token through a double slash")
                .put("//api/v4/application/settings")
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));
        cases.add(req(g, "no token with a matrix parameter")
                .put("/api;x=1/v4/application/settings")
                .json("{\"execute_batched_migrations_on_schedule\": true}")
                .noToken()
                .expect(401, "PRIVATE-TOKEN"));

        // -- Each action on a migration whose status does not allow it, and ensure_finished on an unfinished one.
        g = "actions in the wrong status";
        cases.add(req(g, "pause a finished migration")
                .put(MIGRATIONS + "/" + FINISHED + "/pause")
                .expect(422, "pause only active"));
        cases.add(req(g, "resume an active migration")
                .put(MIGRATIONS + "/" + ACTIVE + "/resume")
                .expect(422, "resume only paused"));
        cases.add(req(g, "retry an active migration")
                .put(MIGRATIONS + "/" + ACTIVE + "/retry")
                .expect(422, "retry only failed"));
        cases.add(req(g, "mark a finished migration finished")
                .put(MIGRATIONS + "/" + FINISHED + "/mark_finished")
                .json("{\"confirm\": true}")
                .expect(422, "mark finished only unfinished"));
        cases.add(req(g, "ensure_finished on an active migration")
                .post(MIGRATIONS + "/ensure_finished")
                .json(config)
                .expect(409, "finalize?wait=true"));
        cases.add(req(g, "finalize an unknown configuration")
                .post(MIGRATIONS + "/finalize")
                .json(configuration("no_such_table"))
                .expect(404, "configuration"));
        cases.add(req(g, "ensure_finished on an unknown configuration")
                .post(MIGRATIONS + "/ensure_finished")
                .json(configuration(TABLE).replace("[[\"status\"],[\"b\"]]", "[[\"b\"],[\"status\"]]"))
                .expect(404, "configuration"));
        return cases;
    }

    // ---- The tests ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedAndNothingChanges(Case c) throws Exception {
        check(c);
    }

    @Test
    void theSuiteHasAtLeastSixtyCasesAcrossEveryEndpoint() {
        assertTrue(all().size() >= 60, all().size() + " cases");
        for (String path : List.of(
                MIGRATIONS,
                "/pause",
                "/resume",
                "/retry",
                "/finalize",
                "/mark_finished",
                "/ensure_finished",
                "/jobs",
                SETTINGS)) {
            assertTrue(all().stream().anyMatch(c -> c.path().contains(path)), "no case for " + path);
        }
    }

    /**
     * A chunked body that grows past the limit is refused by bbm's route as it arrives, so nothing
     * else tries to answer the same request: no ERROR ("Response has already been written") is logged.
     */
    @Test
    void aChunkedBodyOverTheLimitIsRefusedWithoutAnErrorInTheLog() throws Exception {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler collector = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(collector);
        try {
            check(req("malformed, empty and huge bodies", "chunked body over the limit")
                    .post(MIGRATIONS)
                    .json(padded(queue(), 2 * BODY_LIMIT))
                    .chunked()
                    .expect(413, "too large"));
            // What failed after the response was sent is logged a moment later.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(errors::isEmpty);
        } finally {
            root.removeHandler(collector);
            assertEquals(
                    List.of(),
                    errors.stream()
                            .map(r -> r.getLoggerName() + ": " + r.getMessage())
                            .toList(),
                    "errors logged while refusing a chunked body");
        }
    }

    /** The other side of that limit: a chunked body within it is read as any other. */
    @Test
    void aChunkedBodyWithinTheLimitIsAccepted() throws Exception {
        Case c = req("bodies", "chunked queue body within the limit")
                .post(MIGRATIONS)
                .json(padded(queue(), BODY_LIMIT))
                .chunked()
                .expect(201, "");
        HttpResponse<String> response = send(c);
        assertEquals(201, response.statusCode(), response.body());
        assertEquals(TABLE, MAPPER.readTree(response.body()).path("table_name").asText());
    }

    /** The other side of each bound: the last value allowed is accepted and kept as sent. */
    record Accepted(String name, String method, String path, String body, int status, String field, Object value) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Accepted> allowedBounds() {
        return Stream.of(
                new Accepted("batch_size 1", "POST", MIGRATIONS, queue("batch_size", "1"), 201, "sub_batch_size", 1),
                new Accepted(
                        "batch_size 2147483647",
                        "POST",
                        MIGRATIONS,
                        queue("batch_size", "2147483647"),
                        201,
                        "batch_size",
                        2147483647),
                new Accepted(
                        "sub_batch_size equal to batch_size",
                        "POST",
                        MIGRATIONS,
                        queue("batch_size", "50", "sub_batch_size", "50"),
                        201,
                        "sub_batch_size",
                        50),
                new Accepted("interval 0", "POST", MIGRATIONS, queue("interval", "0"), 201, "interval", 0),
                new Accepted("interval 32767", "POST", MIGRATIONS, queue("interval", "32767"), 201, "interval", 32767),
                new Accepted(
                        "pause_ms 600000", "POST", MIGRATIONS, queue("pause_ms", "600000"), 201, "pause_ms", 600000),
                new Accepted("priority 32767", "POST", MIGRATIONS, queue("priority", "32767"), 201, "priority", 32767),
                new Accepted("min_value 1", "POST", MIGRATIONS, queue("min_value", "1"), 201, "min_value", 1),
                // Keys below GitLab's first key are keys too: bbm migrates them when asked.
                new Accepted("min_value -5", "POST", MIGRATIONS, queue("min_value", "-5"), 201, "min_value", -5),
                new Accepted(
                        "max_value equal to min_value",
                        "POST",
                        MIGRATIONS,
                        queue("min_value", "7", "max_value", "7"),
                        201,
                        "max_value",
                        7),
                new Accepted(
                        "min_value 9223372036854775807",
                        "POST",
                        MIGRATIONS,
                        queue("min_value", "9223372036854775807"),
                        201,
                        "max_value",
                        Long.MAX_VALUE),
                new Accepted(
                        "max_batch_size equal to batch_size",
                        "POST",
                        MIGRATIONS,
                        queue("batch_size", "10", "max_batch_size", "10"),
                        201,
                        "max_batch_size",
                        10),
                new Accepted(
                        "a reserved word that is a column",
                        "POST",
                        MIGRATIONS,
                        backfill("[[\"label\"],[\"select\"]]"),
                        201,
                        "job_arguments[1][0]",
                        "select"),
                new Accepted("list per_page 100", "GET", MIGRATIONS + "?per_page=100", null, 200, "[0].id", 2),
                new Accepted("list page 1", "GET", MIGRATIONS + "?page=1", null, 200, "[1].id", 1),
                new Accepted(
                        "jobs per_page 100",
                        "GET",
                        MIGRATIONS + "/" + FINISHED + "/jobs?per_page=100",
                        null,
                        200,
                        "[0].max_value",
                        200),
                new Accepted(
                        "settings max running 0",
                        "PUT",
                        SETTINGS,
                        "{\"database_max_running_batched_background_migrations\": 0}",
                        200,
                        "database_max_running_batched_background_migrations",
                        0),
                new Accepted(
                        "settings max running 100",
                        "PUT",
                        SETTINGS,
                        "{\"database_max_running_batched_background_migrations\": 100}",
                        200,
                        "database_max_running_batched_background_migrations",
                        100),
                new Accepted(
                        "flags in any case: finalize by configuration wait=TRUE force=False",
                        "POST",
                        MIGRATIONS + "/finalize?wait=TRUE&force=False",
                        configurationOf("BackfillColumnJob", TABLE, "[[\"status\"],[0]]"),
                        200,
                        "status",
                        "finished"),
                new Accepted(
                        "flags in any case: ensure_finished finalize=FALSE",
                        "POST",
                        MIGRATIONS + "/ensure_finished?finalize=FALSE",
                        configurationOf("BackfillColumnJob", TABLE, "[[\"status\"],[0]]"),
                        200,
                        "status",
                        "finished"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedBounds")
    void anAllowedBoundaryValueIsAccepted(Accepted a) {
        io.restassured.specification.RequestSpecification request = admin();
        if (a.body() != null) {
            request.body(a.body());
        }
        request.request(a.method(), a.path()).then().statusCode(a.status()).body(a.field(), equalTo(a.value()));
    }

    /**
     * Values are bound, never spliced into SQL: for a text column an injection attempt is
     * accepted and written as the text it is; the table and every other row stay as they were.
     */
    @Test
    void anInjectedValueForATextColumnIsStoredAsPlainText() {
        String attack = "'; DROP TABLE " + TABLE + "; --";
        long id = admin().body(backfill("[[\"label\"],[" + str(attack) + "]]"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        admin().put(MIGRATIONS + "/" + id + "/finalize?wait=true&timeout=60")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        assertEquals(before.targetRows(), db.count("SELECT count(*) FROM " + TABLE));
        assertEquals(before.targetRows(), db.count("SELECT count(*) FROM " + TABLE + " WHERE label = $1", attack));
        assertEquals(before.tables(), db.count("SELECT count(*) FROM pg_class WHERE relkind = 'r'"));
    }

    @Test
    void anInjectedDeleteConditionOnATextColumnDeletesNothing() {
        long id = admin().body(delete("[[\"label\"],[\"x' OR '1'='1\"]]"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        admin().put(MIGRATIONS + "/" + id + "/finalize?wait=true&timeout=60")
                .then()
                .statusCode(200)
                .body("status", equalTo("finished"));
        assertEquals(before.target(), snapshot().target());
        assertEquals(before.tables(), db.count("SELECT count(*) FROM pg_class WHERE relkind = 'r'"));
    }

    /** The list filters are bound values: an injection attempt matches no migration and changes nothing. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "table_name=hostile_events%27%20OR%20%271%27%3D%271",
                "table_name=hostile_events%27%3B%20DROP%20TABLE%20hostile_events%3B%20--",
                "table_name=%25",
                "job_class_name=%27%20OR%201%3D1%20--",
                "job_class_name=CopyColumnUsingBackgroundMigrationJob%27%20UNION%20SELECT%20*%20FROM%20pg_authid%20--"
            })
    void anInjectedListFilterMatchesNothing(String query) {
        reader().get(MIGRATIONS + "?" + query)
                .then()
                .statusCode(200)
                .header("X-Total", "0")
                .body("", hasSize(0));
        assertEquals(before, snapshot());
    }

    private void check(Case c) throws Exception {
        HttpResponse<String> response = send(c);
        String observed = response.statusCode() + " "
                + response.headers().firstValue("Content-Type").orElse("(none)") + " " + abbreviate(response.body());
        assertEquals(c.status(), response.statusCode(), "status; observed " + observed);
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "content type; observed " + observed);
        JsonNode problem = MAPPER.readTree(response.body());
        String detail = problem.path("detail").asText("");
        assertAll(
                () -> assertEquals(c.status(), problem.path("status").asInt(), "problem status; observed " + observed),
                () -> assertFalse(problem.path("title").asText("").isBlank(), "problem title; observed " + observed),
                () -> assertTrue(
                        problem.path("type").asText("").startsWith("https://"), "problem type; observed " + observed),
                () -> assertTrue(detail.length() >= 20, "a detail that says what to do; observed " + observed),
                () -> assertTrue(
                        detail.toLowerCase().contains(c.hint().toLowerCase()),
                        "detail should mention '" + c.hint() + "'; observed " + observed),
                () -> LEAKS.forEach(leak ->
                        assertFalse(leak.matcher(detail).find(), "detail leaks " + leak + "; observed " + observed)),
                () -> assertEquals(before, snapshot(), "the database changed"));
    }

    private static HttpResponse<String> send(Case c) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + RestAssured.port + c.path()))
                .timeout(Duration.ofSeconds(60));
        c.headers().forEach(request::header);
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        HttpRequest.BodyPublisher body;
        if (c.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else {
            byte[] bytes = c.body().getBytes(c.charset());
            // An input stream has no known length, so the client sends it chunked.
            body = c.chunked()
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                    : HttpRequest.BodyPublishers.ofByteArray(bytes);
        }
        try {
            return HTTP.send(request.method(c.method(), body).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            fail("no response (" + e + ")");
            throw e;
        }
    }

    // ---- Database snapshot ----------------------------------------------------------------------

    /** Everything a hostile request must not change. */
    record Snapshot(
            String migrations,
            String jobs,
            String transitionLogs,
            String oldQueue,
            String settings,
            boolean targetExists,
            long targetRows,
            String target,
            long tables) {}

    private Snapshot snapshot() {
        boolean exists = db.count("SELECT count(*) FROM pg_class WHERE oid = to_regclass($1)", TABLE) == 1;
        return new Snapshot(
                digest("batched_background_migrations"),
                digest("batched_background_migration_jobs"),
                digest("batched_background_migration_job_transition_logs"),
                digest("background_migration_jobs"),
                digest("bbm_application_settings"),
                exists,
                exists ? db.count("SELECT count(*) FROM " + TABLE) : -1,
                exists ? digest(TABLE) : "",
                db.count("SELECT count(*) FROM pg_class WHERE relkind = 'r'"));
    }

    private String digest(String table) {
        return db.rows("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM " + table + " t")
                .get(0)
                .getString(0);
    }

    // ---- Building cases -------------------------------------------------------------------------

    /**
     * One hostile request and what bbm must answer: the status, and a word the problem's detail
     * must contain so that a person knows what to fix.
     */
    record Case(
            String name,
            String method,
            String path,
            Map<String, String> headers,
            String contentType,
            String body,
            Charset charset,
            boolean chunked,
            int status,
            String hint) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static Builder req(String group, String name) {
        return new Builder(group + ": " + name);
    }

    private static final class Builder {
        private final String name;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String method = "GET";
        private String path;
        private String contentType;
        private String body;
        private Charset charset = StandardCharsets.UTF_8;
        private boolean chunked;

        Builder(String name) {
            this.name = name;
            headers.put(PRIVATE_TOKEN, ADMIN_TOKEN);
        }

        Builder get(String p) {
            return method("GET", p);
        }

        Builder put(String p) {
            return method("PUT", p);
        }

        Builder post(String p) {
            return method("POST", p);
        }

        Builder method(String m, String p) {
            method = m;
            path = p;
            return this;
        }

        Builder json(String b) {
            return body(JSON, b);
        }

        Builder body(String type, String b) {
            contentType = type;
            body = b;
            return this;
        }

        Builder charset(Charset c) {
            charset = c;
            return this;
        }

        Builder chunked() {
            chunked = true;
            return this;
        }

        Builder token(String token) {
            headers.put(PRIVATE_TOKEN, token);
            return this;
        }

        Builder noToken() {
            headers.remove(PRIVATE_TOKEN);
            return this;
        }

        Builder header(String header, String value) {
            headers.put(header, value);
            return this;
        }

        Case expect(int status, String hint) {
            return new Case(name, method, path, Map.copyOf(headers), contentType, body, charset, chunked, status, hint);
        }
    }

    /** A copy-column queue body for the fixture table, with fields replaced, added, or removed (value null). */
    static String queue(String... fieldsAndRawJson) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("job_class_name", str("CopyColumnUsingBackgroundMigrationJob"));
        fields.put("table_name", str(TABLE));
        fields.put("column_name", str("id"));
        fields.put("job_arguments", "[[\"a\"],[\"b\"]]");
        for (int i = 0; i < fieldsAndRawJson.length; i += 2) {
            fields.put(fieldsAndRawJson[i], fieldsAndRawJson[i + 1]);
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((field, value) -> {
            if (value != null) {
                json.append(json.length() > 1 ? "," : "")
                        .append(str(field))
                        .append(':')
                        .append(value);
            }
        });
        return json.append('}').toString();
    }

    static String backfill(String arguments) {
        return queue("job_class_name", str("BackfillColumnJob"), "job_arguments", arguments);
    }

    static String delete(String arguments) {
        return queue("job_class_name", str("DeleteRowsJob"), "job_arguments", arguments);
    }

    /** The configuration of the fixture's active copy migration, on another table name. */
    static String configuration(String table) {
        return configurationOf("CopyColumnUsingBackgroundMigrationJob", table, "[[\"status\"],[\"b\"]]");
    }

    static String configurationOf(String jobClass, String table, String arguments) {
        return "{\"job_class_name\":" + str(jobClass) + ",\"table_name\":" + str(table)
                + ",\"column_name\":\"id\",\"job_arguments\":" + arguments + "}";
    }

    /** A JSON string literal. */
    static String str(String value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid object made at least {@code size} bytes long by whitespace before its closing brace. */
    static String padded(String json, int size) {
        return json.substring(0, json.length() - 1) + " ".repeat(Math.max(0, size - json.length())) + "}";
    }

    private static String abbreviate(String body) {
        return body.length() > 400 ? body.substring(0, 400) + "…" : body;
    }
}
