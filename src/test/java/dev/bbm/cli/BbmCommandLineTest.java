package dev.bbm.cli;

import static dev.bbm.support.Api.ADMIN_TOKEN;
import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.READ_TOKEN;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.support.DatabaseTestCase;
import dev.bbm.support.Db;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code bbm} command line against this running bbm, over real HTTP: as an operator runs it —
 * a process of its own — for the runbook's finalize line, the upgrade gate's exit code, and one
 * clear line with a documented exit code for each way a command goes wrong; in-process (the same
 * command line, faster) for the exact text it prints, {@code status} across the test profile's two
 * databases ({@code main} and {@code ci}) and across pages, and the non-batched queue's steps.
 */
@QuarkusTest
class BbmCommandLineTest extends DatabaseTestCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The runbook's finalize argument as the shell hands it over: its single quotes removed, the backslash kept. */
    private static final String RUNBOOK_ARGUMENT =
            "CopyColumnUsingBackgroundMigrationJob,events,id,[[\"id\"]\\, [\"id_convert_to_bigint\"]]";

    /** The runbook's whole rake form, as the shell hands over {@code gitlab:…finalize[…,'[["id"]\, …]']}. */
    private static final String RUNBOOK_TASK = "gitlab:background_migrations:finalize[" + RUNBOOK_ARGUMENT + "]";

    private static final String COPY = "CopyColumnUsingBackgroundMigrationJob";

    /** Why bbm refuses a non-batched job whose arguments name no key range. */
    private static final String BAD_ARGUMENTS = "arguments must be [table_name, column_name, min_value, max_value,"
            + " job_arguments] (job_arguments an array, may be left out), not [\"cli_legacy\",\"id\"]";

    @TestHTTPResource("/")
    URL url;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "bbm.databases.ci.url")
    String ciUrl;

    /** The test profile's second database, cleaned before and after each test so that others never see its rows. */
    private Db ci;

    @BeforeEach
    void cleanCi() {
        ci = Db.onOwnPool(vertx, ciUrl);
        ci.clearMigrations();
    }

    @AfterEach
    void stopCi() {
        ci.clearMigrations();
        ci.close();
    }

    /** {@code bbm args…} in this JVM, with the admin token: the same command line and HTTP, no process start. */
    private CliRun here(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url.toString(), "--token", ADMIN_TOKEN));
        int exit = Bbm.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new CliRun(exit, out.toString(), err.toString());
    }

    private CliRun bbm(String... args) {
        return bbmWith(ADMIN_TOKEN, args);
    }

    private CliRun bbmWith(String token, String... args) {
        return CliRun.run(
                Map.of("BBM_URL", url.toString(), "BBM_TOKEN", token, "BBM_DATA_DIR", "target/no-such-dir"), args);
    }

    /** The runbook's example: events(id) and a bigint copy of it, queued as GitLab queues it. */
    private long queueEventsCopy() {
        db.exec("DROP TABLE IF EXISTS events");
        db.exec("CREATE TABLE events (id bigserial PRIMARY KEY, id_convert_to_bigint bigint)");
        db.exec("INSERT INTO events (id) SELECT g FROM generate_series(1, 5000) g WHERE g % 7 <> 0");
        db.exec("ANALYZE events");
        return admin().body("{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"table_name\":\"events\","
                        + "\"column_name\":\"id\",\"job_arguments\":[[\"id\"],[\"id_convert_to_bigint\"]],"
                        + "\"batch_size\":1000,\"sub_batch_size\":500,\"interval\":120,\"pause_ms\":0}")
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    private static void assertOneLine(CliRun run, String expected) {
        assertTrue(
                run.err().endsWith("\n") && run.err().indexOf('\n') == run.err().length() - 1, run::toString);
        assertTrue(run.err().contains(expected), run::toString);
    }

    @Test
    void theRunbooksFinalizeLineFinalizesTheMigrationAndStatusPassesOnlyThen() throws Exception {
        long id = queueEventsCopy();

        CliRun unfinished = bbm("status");
        assertEquals(Bbm.UNFINISHED, unfinished.exitCode(), unfinished::toString);
        assertTrue(unfinished.out().contains("CopyColumnUsingBackgroundMigrationJob: events.id"), unfinished::toString);
        assertTrue(unfinished.out().contains("Not finished: 1 batched background migration"), unfinished::toString);
        JsonNode status = JSON.readTree(bbm("status", "--json").out());
        assertFalse(status.path("finished").asBoolean(true));
        assertEquals(
                id,
                status.path("databases")
                        .path(0)
                        .path("batched_background_migrations")
                        .path(0)
                        .path("id")
                        .asLong());

        CliRun finalized = bbm("finalize", RUNBOOK_ARGUMENT);
        assertEquals(Bbm.OK, finalized.exitCode(), finalized::toString);
        assertTrue(finalized.out().contains("finished"), finalized::toString);
        assertEquals("finished", db.status(id));
        assertEquals(0, db.count("SELECT count(*) FROM events WHERE id_convert_to_bigint IS DISTINCT FROM id"));

        CliRun done = bbm("status");
        assertEquals(Bbm.OK, done.exitCode(), done::toString);
        assertTrue(done.out().contains("All background migrations are finished"), done::toString);
        assertTrue(JSON.readTree(bbm("status", "--json").out()).path("finished").asBoolean());

        // The whole rake form names the same migration; finalizing a finished one changes nothing.
        CliRun again = bbm("finalize", RUNBOOK_TASK, "--json");
        assertEquals(Bbm.OK, again.exitCode(), again::toString);
        assertEquals(id, JSON.readTree(again.out()).path("id").asLong());
        CliRun ensured = bbm("ensure-finished", RUNBOOK_ARGUMENT);
        assertEquals(Bbm.OK, ensured.exitCode(), ensured::toString);
    }

    @Test
    void statusListsBothKindsOfUnfinishedWorkInEveryDatabaseAndExits1UntilBothAreDone() throws Exception {
        ci.createCopyTable("ci_builds", 300, 0);
        long ciId = admin().body(copy("ci_builds", "\"batch_size\": 100, \"sub_batch_size\": 50, \"pause_ms\": 0"))
                .post(MIGRATIONS + "?database=ci")
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.createCopyTable("cli_main", 10, 0);
        db.exec("INSERT INTO background_migration_jobs (class_name, arguments) VALUES ('" + COPY
                + "', '[\"cli_main\", \"id\", 1, 10, [[\"a\"], [\"b\"]]]')");

        CliRun status = here("status");
        assertEquals(Bbm.UNFINISHED, status.exitCode(), status::toString);
        assertEquals(
                "DATABASE  ID  MIGRATION                                            STATUS  PROGRESS  ETA\n"
                        + "ci        " + ciId + "   " + COPY + ": ci_builds.id  active  0%        unknown\n"
                        + "\n"
                        + "DATABASE  CLASS (NOT BATCHED)                    REMAINING\n"
                        + "main      " + COPY + "  1\n"
                        + "\n"
                        + "Not finished: 1 batched background migration, 1 background migration job remaining"
                        + " (main, ci).\n",
                status.out(),
                status::toString);
        JsonNode json = JSON.readTree(here("status", "--json").out());
        assertFalse(json.path("finished").asBoolean(true));
        assertEquals("main", json.path("databases").path(0).path("database").asText());
        assertEquals(
                1,
                json.path("databases")
                        .path(0)
                        .path("background_migrations")
                        .path("remaining")
                        .asLong());
        assertEquals("ci", json.path("databases").path(1).path("database").asText());
        assertEquals(
                ciId,
                json.path("databases")
                        .path(1)
                        .path("batched_background_migrations")
                        .path(0)
                        .path("id")
                        .asLong());
        // --database looks at that database alone.
        CliRun onlyCi = here("status", "--database", "ci");
        assertEquals(Bbm.UNFINISHED, onlyCi.exitCode(), onlyCi::toString);
        assertTrue(
                onlyCi.out()
                        .endsWith("Not finished: 1 batched background migration, 0 background migration jobs"
                                + " remaining (ci).\n"),
                onlyCi::toString);

        CliRun finalized = here("finalize", String.valueOf(ciId), "--database", "ci");
        assertEquals(Bbm.OK, finalized.exitCode(), finalized::toString);
        assertEquals("finished", ci.status(ciId));
        assertEquals(0, ci.wrongCopies("ci_builds", 300));
        CliRun stolen = here("steal", COPY);
        assertEquals(Bbm.OK, stolen.exitCode(), stolen::toString);
        assertEquals(0, db.wrongCopies("cli_main", 10));

        CliRun done = here("status");
        assertEquals(Bbm.OK, done.exitCode(), done::toString);
        assertEquals("All background migrations are finished (main, ci).\n", done.out());
    }

    @Test
    void statusReadsEveryPageOfMigrationsAndListPagesAsAsked() {
        // 101 migrations, one more than the API's largest page: as an application's own INSERT queues them, paused.
        db.exec("INSERT INTO batched_background_migrations"
                + " (status, job_class_name, table_name, column_name, max_value, job_arguments)"
                + " SELECT 0, '" + COPY + "', 'paged_' || g, 'id', 10, '[[\"a\"], [\"b\"]]'"
                + " FROM generate_series(1, 101) g");

        CliRun status = here("status");
        assertEquals(Bbm.UNFINISHED, status.exitCode(), status::toString);
        // Newest first, so the oldest is alone on the second page.
        assertTrue(
                status.out().contains("\nmain      1    " + COPY + ": paged_1.id    paused  0%        unknown\n"),
                status::toString);
        assertEquals(
                101, status.out().lines().filter(l -> l.startsWith("main ")).count(), status::toString);
        assertTrue(
                status.out()
                        .endsWith("Not finished: 101 batched background migrations, 0 background migration jobs"
                                + " remaining (main, ci).\n"),
                status::toString);

        CliRun first = here("list", "--per-page", "2");
        assertEquals(Bbm.OK, first.exitCode(), first::toString);
        assertEquals(
                "ID   MIGRATION                                            STATUS  PROGRESS  ETA\n"
                        + "101  " + COPY + ": paged_101.id  paused  0%        unknown\n"
                        + "100  " + COPY + ": paged_100.id  paused  0%        unknown\n"
                        + "Page 1 of 51 (101 migrations); next: --page 2\n",
                first.out());
        CliRun last = here("list", "--per-page", "2", "--page", "51");
        assertEquals(
                "ID  MIGRATION                                          STATUS  PROGRESS  ETA\n"
                        + "1   " + COPY + ": paged_1.id  paused  0%        unknown\n"
                        + "Page 51 of 51 (101 migrations)\n",
                last.out());
    }

    @Test
    void theRunbooksNonBatchedStepsRemainingPendingStealAndRetryPendingSayExactlyWhatHappened() throws Exception {
        db.createCopyTable("cli_legacy", 300, 0);
        // As an application enqueues them: three key ranges, and one row whose arguments cannot run.
        db.exec("INSERT INTO background_migration_jobs (class_name, arguments) VALUES"
                + " ('" + COPY + "', '[\"cli_legacy\", \"id\", 1, 100, [[\"a\"], [\"b\"]]]'),"
                + " ('" + COPY + "', '[\"cli_legacy\", \"id\", 101, 200, [[\"a\"], [\"b\"]]]'),"
                + " ('" + COPY + "', '[\"cli_legacy\", \"id\", 201, 300, [[\"a\"], [\"b\"]]]'),"
                + " ('" + COPY + "', '[\"cli_legacy\", \"id\"]')");

        CliRun remaining = here("remaining");
        assertEquals(Bbm.OK, remaining.exitCode(), remaining::toString);
        assertEquals(
                "4 background migration jobs remaining in database main.\n"
                        + "CLASS                                  REMAINING\n"
                        + COPY + "  4\n",
                remaining.out());
        CliRun secondPage = here("pending", "--class-name", COPY, "--page", "2", "--per-page", "3");
        assertEquals(Bbm.OK, secondPage.exitCode(), secondPage::toString);
        assertEquals(
                "ID  CLASS                                  STATUS   ATTEMPTS  ARGUMENTS            LAST ERROR\n"
                        + "4   " + COPY + "  pending  0         [\"cli_legacy\",\"id\"]\n"
                        + "Page 2 of 2 (4 pending jobs)\n",
                secondPage.out());
        CliRun otherClass = here("pending", "--class-name", "NoSuchJob");
        assertEquals(
                "ID  CLASS  STATUS  ATTEMPTS  ARGUMENTS  LAST ERROR\nPage 1 of 1 (0 pending jobs)\n", otherClass.out());

        CliRun steal = here("steal", COPY);
        assertEquals(Bbm.UNFINISHED, steal.exitCode(), steal::toString);
        assertEquals(
                COPY + " in database main: 3 succeeded, 1 failed, 1 remaining.\n"
                        + "ID  ERROR\n"
                        + "4   " + BAD_ARGUMENTS + "\n",
                steal.out());
        assertEquals(
                "bbm: 1 background migration job failed: see bbm pending, fix the cause, then bbm retry-pending\n",
                steal.err());
        assertEquals(0, db.wrongCopies("cli_legacy", 300));
        CliRun pending = here("pending");
        assertEquals(
                "ID  CLASS                                  STATUS   ATTEMPTS  ARGUMENTS            LAST ERROR\n"
                        + "4   " + COPY + "  pending  1         [\"cli_legacy\",\"id\"]  " + BAD_ARGUMENTS + "\n"
                        + "Page 1 of 1 (1 pending job)\n",
                pending.out());
        assertEquals(
                "1 background migration job remaining in database main.\n"
                        + "CLASS                                  REMAINING\n"
                        + COPY + "  1\n",
                here("remaining").out());
        CliRun gate = here("status");
        assertEquals(Bbm.UNFINISHED, gate.exitCode(), gate::toString);
        assertTrue(gate.out().contains("main      " + COPY + "  1\n"), gate::toString);

        db.exec("UPDATE background_migration_jobs SET arguments = '[\"cli_legacy\", \"id\", 1, 1, [[\"a\"], [\"b\"]]]'"
                + " WHERE status = 0");
        CliRun retried = here("retry-pending", COPY, "--json");
        assertEquals(Bbm.OK, retried.exitCode(), retried::toString);
        assertEquals(
                JSON.readTree("{\"database\":\"main\",\"class_name\":\"" + COPY + "\",\"succeeded\":1,\"failed\":0,"
                        + "\"remaining\":0,\"failures\":[]}"),
                JSON.readTree(retried.out()));
        CliRun all = here("retry-pending");
        assertEquals(Bbm.OK, all.exitCode(), all::toString);
        assertEquals("All classes in database main: 0 succeeded, 0 failed, 0 remaining.\n", all.out());
        assertEquals(
                "0 background migration jobs remaining in database main.\n",
                here("remaining").out());
        assertEquals(Bbm.OK, here("status").exitCode());
    }

    @Test
    void ensureFinishedOnAnUnfinishedMigrationFailsWithTheBbmCommandThatFinalizesIt() {
        long id = queueEventsCopy();

        CliRun check = bbm(
                "ensure-finished",
                "--job-class",
                "CopyColumnUsingBackgroundMigrationJob",
                "--table",
                "events",
                "--column",
                "id",
                "--job-arguments",
                "[[\"id\"], [\"id_convert_to_bigint\"]]");
        assertEquals(Bbm.UNFINISHED, check.exitCode(), check::toString);
        assertOneLine(check, "is not finished (it is active): run bbm finalize '");

        // The suggested command works as printed (a POSIX shell would remove the single quotes).
        Matcher suggested = Pattern.compile("bbm finalize '([^']*)'").matcher(check.err());
        assertTrue(suggested.find(), check::toString);
        CliRun finalized = bbm("finalize", suggested.group(1));
        assertEquals(Bbm.OK, finalized.exitCode(), finalized::toString);
        assertEquals("finished", db.status(id));
        assertEquals(Bbm.OK, bbm("ensure-finished", String.valueOf(id)).exitCode());
    }

    @Test
    void listShowJobsAndTheStatusActionsSpeakTheApisJson() throws Exception {
        long id = queueEventsCopy();

        JsonNode list =
                JSON.readTree(bbm("list", "--status", "queued", "--json").out());
        assertEquals(id, list.path(0).path("id").asLong());
        CliRun table = bbm("list");
        assertTrue(table.out().contains("ID  MIGRATION"), table::toString);
        assertTrue(table.out().contains("Page 1 of 1 (1 migration)"), table::toString);

        CliRun show = bbm("show", String.valueOf(id));
        assertEquals(Bbm.OK, show.exitCode(), show::toString);
        assertTrue(
                show.out()
                        .contains(
                                "bbm finalize 'CopyColumnUsingBackgroundMigrationJob,events,id,[[\"id\"]\\,[\"id_convert_to_bigint\"]]'"),
                show::toString);

        CliRun paused = bbm("pause", String.valueOf(id));
        assertEquals(Bbm.OK, paused.exitCode(), paused::toString);
        assertTrue(paused.out().contains("paused"), paused::toString);
        CliRun refused = bbm("pause", String.valueOf(id));
        assertEquals(Bbm.UNFINISHED, refused.exitCode(), refused::toString);
        assertOneLine(refused, "bbm: You can pause only active batched background migrations.");
        assertEquals(Bbm.OK, bbm("resume", String.valueOf(id)).exitCode());
        assertEquals("active", db.status(id));

        CliRun jobs = bbm("jobs", String.valueOf(id), "--status", "failed", "--json");
        assertEquals(Bbm.OK, jobs.exitCode(), jobs::toString);
        assertTrue(JSON.readTree(jobs.out()).isArray(), jobs::toString);
    }

    @Test
    void markFinishedRefusesWithoutConfirmSayingItCanLoseData() {
        long id = queueEventsCopy();

        CliRun refused = bbm("mark-finished", String.valueOf(id));
        assertEquals(Bbm.UNFINISHED, refused.exitCode(), refused::toString);
        assertOneLine(refused, "it can lose data");
        assertEquals("active", db.status(id));

        CliRun marked = bbm("mark-finished", String.valueOf(id), "--confirm");
        assertEquals(Bbm.OK, marked.exitCode(), marked::toString);
        assertEquals("finished", db.status(id));
    }

    @Test
    void aWrongOrReadOnlyTokenIsOneClearLineAndExitCode4() {
        long id = queueEventsCopy();

        CliRun wrong = bbmWith("not-a-token", "list");
        assertEquals(Bbm.AUTH, wrong.exitCode(), wrong::toString);
        assertEquals("bbm: the token was refused (401): check BBM_TOKEN\n", wrong.err());

        CliRun reader = bbmWith(READ_TOKEN, "pause", String.valueOf(id));
        assertEquals(Bbm.AUTH, reader.exitCode(), reader::toString);
        assertOneLine(reader, "the token may only read (403)");

        CliRun none = CliRun.run(Map.of("BBM_URL", url.toString(), "BBM_DATA_DIR", "target/no-such-dir"), "list");
        assertEquals(Bbm.AUTH, none.exitCode(), none::toString);
        assertOneLine(none, "no token was given (401)");
    }

    @Test
    void aWrongIdIsOneClearLineAndExitCode3() {
        CliRun show = bbm("show", "424242");
        assertEquals(Bbm.NOT_FOUND, show.exitCode(), show::toString);
        assertEquals("bbm: migration 424242 not found in database main\n", show.err());

        CliRun finalize = bbm("finalize", "424242", "--database", "ci");
        assertEquals(Bbm.NOT_FOUND, finalize.exitCode(), finalize::toString);
        assertEquals("bbm: migration 424242 not found in database ci\n", finalize.err());

        CliRun byConfiguration = bbm("finalize", "NoSuchJob,events,id,[]");
        assertEquals(Bbm.NOT_FOUND, byConfiguration.exitCode(), byConfiguration::toString);
        assertOneLine(byConfiguration, "bbm: migration NoSuchJob: events.id with job_arguments [] not found");
    }

    @Test
    void usageErrorsAndAnUnknownDatabaseAreExitCode2() {
        CliRun rake = bbm("finalize", "CopyColumnUsingBackgroundMigrationJob,events,id");
        assertEquals(Bbm.USAGE, rake.exitCode(), rake::toString);
        assertOneLine(rake, "missing job_arguments");

        CliRun database = bbm("list", "--database", "sec");
        assertEquals(Bbm.USAGE, database.exitCode(), database::toString);
        assertOneLine(database, "bbm: ");

        CliRun unknown = bbm("frobnicate");
        assertEquals(Bbm.USAGE, unknown.exitCode(), unknown::toString);
        assertOneLine(unknown, "frobnicate");
    }

    @Test
    void anUnreachableBbmIsOneClearLineAndExitCode5() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun run = CliRun.run(Map.of("BBM_URL", "http://localhost:" + port, "BBM_TOKEN", ADMIN_TOKEN), "status");
        assertEquals(Bbm.UNREACHABLE, run.exitCode(), run::toString);
        assertEquals("bbm: cannot reach bbm at http://localhost:" + port + ": connection refused\n", run.err());
    }

    @Test
    void helpDescribesEveryCommandItsArgumentsAndTheExitCodes() {
        CliRun help = bbm("--help");
        assertEquals(Bbm.OK, help.exitCode(), help::toString);
        for (String text : new String[] {
            "status",
            "list",
            "show",
            "jobs",
            "pause",
            "resume",
            "retry",
            "finalize",
            "ensure-finished",
            "mark-finished",
            "remaining",
            "pending",
            "steal",
            "retry-pending",
            "Exit codes:",
            "BBM_TOKEN"
        }) {
            assertTrue(help.out().contains(text), () -> text + " missing from\n" + help);
        }
        CliRun finalize = bbm("finalize", "--help");
        assertEquals(Bbm.OK, finalize.exitCode(), finalize::toString);
        assertTrue(finalize.out().contains("RAKE_ARGUMENTS"), finalize::toString);
        assertTrue(finalize.out().contains("Exit codes:"), finalize::toString);
    }
}
