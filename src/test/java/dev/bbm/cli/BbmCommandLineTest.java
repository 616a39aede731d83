package dev.bbm.cli;

import static dev.bbm.support.Api.ADMIN_TOKEN;
import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.READ_TOKEN;
import static dev.bbm.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.ServerSocket;
import java.net.URL;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code bbm} command line run as an operator runs it — a process of its own — against this
 * running bbm: the runbook's finalize line, the upgrade gate's exit code, and one clear line with
 * a documented exit code for each way a command goes wrong.
 */
@QuarkusTest
class BbmCommandLineTest extends DatabaseTestCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The runbook's finalize argument as the shell hands it over: its single quotes removed, the backslash kept. */
    private static final String RUNBOOK_ARGUMENT =
            "CopyColumnUsingBackgroundMigrationJob,events,id,[[\"id\"]\\, [\"id_convert_to_bigint\"]]";

    /** The runbook's whole rake form, as the shell hands over {@code gitlab:…finalize[…,'[["id"]\, …]']}. */
    private static final String RUNBOOK_TASK = "gitlab:background_migrations:finalize[" + RUNBOOK_ARGUMENT + "]";

    @TestHTTPResource("/")
    URL url;

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
    void theRunbooksNonBatchedStepsRemainingPendingStealAndRetryPending() throws Exception {
        db.createCopyTable("cli_legacy", 300, 0);
        String copy = "CopyColumnUsingBackgroundMigrationJob";
        // As an application enqueues them: three key ranges, and one row whose arguments cannot run.
        db.exec("INSERT INTO background_migration_jobs (class_name, arguments) VALUES"
                + " ('" + copy + "', '[\"cli_legacy\", \"id\", 1, 100, [[\"a\"], [\"b\"]]]'),"
                + " ('" + copy + "', '[\"cli_legacy\", \"id\", 101, 200, [[\"a\"], [\"b\"]]]'),"
                + " ('" + copy + "', '[\"cli_legacy\", \"id\", 201, 300, [[\"a\"], [\"b\"]]]'),"
                + " ('" + copy + "', '[\"cli_legacy\", \"id\"]')");

        CliRun status = bbm("status");
        assertEquals(Bbm.UNFINISHED, status.exitCode(), status::toString);
        assertTrue(status.out().contains("main      " + copy + "  4"), status::toString);
        CliRun remaining = bbm("remaining");
        assertEquals(Bbm.OK, remaining.exitCode(), remaining::toString);
        assertTrue(
                remaining.out().startsWith("4 background migration jobs remaining in database main."),
                remaining::toString);
        assertEquals(4, JSON.readTree(bbm("pending", "--json").out()).size());

        CliRun steal = bbm("steal", copy);
        assertEquals(Bbm.UNFINISHED, steal.exitCode(), steal::toString);
        assertTrue(
                steal.out().startsWith(copy + " in database main: 3 succeeded, 1 failed, 1 remaining."),
                steal::toString);
        assertOneLine(steal, "bbm: 1 background migration job failed: see bbm pending");
        assertEquals(0, db.wrongCopies("cli_legacy", 300));
        CliRun pending = bbm("pending");
        assertTrue(pending.out().contains("arguments must be [table_name, column_name"), pending::toString);

        db.exec("UPDATE background_migration_jobs SET arguments = '[\"cli_legacy\", \"id\", 1, 1, [[\"a\"], [\"b\"]]]'"
                + " WHERE status = 0");
        CliRun retried = bbm("retry-pending");
        assertEquals(Bbm.OK, retried.exitCode(), retried::toString);
        assertTrue(
                retried.out().startsWith("All classes in database main: 1 succeeded, 0 failed, 0 remaining."),
                retried::toString);
        assertEquals(Bbm.OK, bbm("status").exitCode());
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
        assertTrue(table.out().contains("Page 1 of 1 (1 migrations)"), table::toString);

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
