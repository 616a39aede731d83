package dev.bbm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The commands for the non-batched queue ({@code remaining}, {@code pending}, {@code steal},
 * {@code retry-pending}) and {@code status} across databases, against issue 15's API contract
 * served by a stub: what the test bbm cannot show quickly (a migration unfinished in {@code ci},
 * several pages of migrations, an older bbm without these endpoints) and the exact text printed.
 * {@code BbmCommandLineTest} runs the same commands against the real endpoints.
 */
class BackgroundMigrationCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MIGRATIONS = "GET /api/v4/admin/batched_background_migrations?database=";
    private static final String QUEUE = "/api/v4/admin/background_migrations";
    private static final String NO_MORE_PAGES = "[]";
    private static final String ACTIVE_CI_MIGRATION =
            "[{\"id\":7,\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\","
                    + "\"table_name\":\"ci_builds\",\"column_name\":\"id\",\"job_arguments\":[[\"a\"],[\"b\"]],"
                    + "\"status\":\"active\",\"progress\":42.5,\"estimated_time_remaining\":200}]";
    private static final String MAIN_REMAINING = "{\"database\":\"main\",\"remaining\":3,\"classes\":"
            + "[{\"class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"remaining\":3}]}";

    private final StubBbm stub = new StubBbm();

    /** What one run printed and returned; in-process, so that the stub's contract is all it talks to. */
    private record Run(int exitCode, String out, String err) {}

    private Run bbm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", stub.url(), "--token", "admin-secret"));
        int exit = Bbm.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private StubBbm twoDatabases(String ciMigrations, String mainRemaining) {
        return stub.answer("GET /api/v4/admin/databases", "[{\"name\":\"main\"},{\"name\":\"ci\"}]")
                .answer(MIGRATIONS + "main&page=1&per_page=100", NO_MORE_PAGES)
                .answer(MIGRATIONS + "ci&page=1&per_page=100", ciMigrations)
                .answer("GET " + QUEUE + "/remaining?database=main", mainRemaining)
                .answer(
                        "GET " + QUEUE + "/remaining?database=ci",
                        "{\"database\":\"ci\",\"remaining\":0,\"classes\":[]}");
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void statusListsBothKindsOfUnfinishedMigrationInEveryDatabaseAndExits1() throws Exception {
        twoDatabases(ACTIVE_CI_MIGRATION, MAIN_REMAINING);

        Run run = bbm("status");
        assertEquals(Bbm.UNFINISHED, run.exitCode(), run::toString);
        assertTrue(
                run.out()
                        .contains(
                                "ci        7   CopyColumnUsingBackgroundMigrationJob: ci_builds.id  active  42.5%     3m 20s"),
                run::toString);
        assertTrue(run.out().contains("main      CopyColumnUsingBackgroundMigrationJob  3"), run::toString);
        assertTrue(
                run.out()
                        .contains(
                                "Not finished: 1 batched background migration, 3 background migration jobs remaining"),
                run::toString);

        JsonNode json = JSON.readTree(bbm("status", "--json").out());
        assertEquals(2, json.path("databases").size());
        assertEquals(
                3,
                json.path("databases")
                        .path(0)
                        .path("background_migrations")
                        .path("remaining")
                        .asInt());
        assertEquals(
                7,
                json.path("databases")
                        .path(1)
                        .path("batched_background_migrations")
                        .path(0)
                        .path("id")
                        .asInt());
    }

    @Test
    void statusExits0OnceEveryDatabaseIsDone() {
        twoDatabases(
                "[{\"id\":7,\"job_class_name\":\"X\",\"table_name\":\"t\",\"column_name\":\"id\",\"status\":\"finished\"}]",
                "{\"database\":\"main\",\"remaining\":0,\"classes\":[]}");

        Run run = bbm("status");
        assertEquals(Bbm.OK, run.exitCode(), run::toString);
        assertEquals("All background migrations are finished (main, ci).\n", run.out());
    }

    @Test
    void statusFollowsThePagesOfMigrations() {
        twoDatabases(NO_MORE_PAGES, "{\"database\":\"main\",\"remaining\":0,\"classes\":[]}")
                .answer(MIGRATIONS + "main&page=1&per_page=100", 200, "[]", Map.of("X-Next-Page", "2"))
                .answer(MIGRATIONS + "main&page=2&per_page=100", ACTIVE_CI_MIGRATION.replace("ci_builds", "events"));

        Run run = bbm("status");
        assertEquals(Bbm.UNFINISHED, run.exitCode(), run::toString);
        assertTrue(run.out().contains("events.id"), run::toString);
    }

    @Test
    void aBbmWithoutTheseEndpointsIsStatusOfItsOneDatabaseAndRemainingSaysSo() {
        stub.answer(MIGRATIONS + "main&page=1&per_page=100", NO_MORE_PAGES);

        Run status = bbm("status");
        assertEquals(Bbm.OK, status.exitCode(), status::toString);
        assertTrue(
                status.out().contains("serves no queue of non-batched background migrations for main"),
                status::toString);

        Run remaining = bbm("remaining");
        assertEquals(Bbm.NOT_FOUND, remaining.exitCode(), remaining::toString);
        assertTrue(remaining.err().startsWith("bbm: this bbm serves no queue"), remaining::toString);
    }

    @Test
    void remainingCountsEachClassOfTheNamedDatabase() {
        stub.answer("GET " + QUEUE + "/remaining?database=main", MAIN_REMAINING);

        Run run = bbm("remaining");
        assertEquals(Bbm.OK, run.exitCode(), run::toString);
        assertEquals(
                "3 background migration jobs remaining in database main.\n"
                        + "CLASS                                  REMAINING\n"
                        + "CopyColumnUsingBackgroundMigrationJob  3\n",
                run.out());
    }

    @Test
    void pendingPassesItsFiltersAndShowsWhyAJobFailed() {
        stub.answer(
                "GET " + QUEUE + "/pending?database=ci&class_name=Copy&page=2&per_page=5",
                200,
                "[{\"id\":1,\"class_name\":\"Copy\",\"arguments\":[1,2],\"status\":\"pending\",\"attempts\":2,"
                        + "\"last_error\":\"deadlock\\ndetected\",\"created_at\":\"x\",\"updated_at\":\"y\"}]",
                Map.of("X-Total", "6", "X-Page", "2", "X-Total-Pages", "2"));

        Run run = bbm("pending", "--database", "ci", "--class-name", "Copy", "--page", "2", "--per-page", "5");
        assertEquals(Bbm.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("1   Copy   pending  2         [1,2]      deadlock detected"), run::toString);
        assertTrue(run.out().contains("Page 2 of 2 (6 pending jobs)"), run::toString);
    }

    @Test
    void stealRunsOneClassAndAFailedJobIsExit1() {
        stub.answer(
                "POST " + QUEUE + "/steal?database=main",
                "{\"database\":\"main\",\"class_name\":\"X\",\"succeeded\":2,\"failed\":1,\"remaining\":1,"
                        + "\"failures\":[{\"id\":7,\"error\":\"boom\"}]}");

        Run run = bbm("steal", "X");
        assertEquals(Bbm.UNFINISHED, run.exitCode(), run::toString);
        assertEquals("{\"class_name\":\"X\"}", stub.requests().get(0).body());
        assertTrue(run.out().startsWith("X in database main: 2 succeeded, 1 failed, 1 remaining."), run::toString);
        assertTrue(run.out().contains("7   boom"), run::toString);
        assertEquals(
                "bbm: 1 background migration job failed: see bbm pending, fix the cause, then bbm retry-pending\n",
                run.err());
    }

    @Test
    void retryPendingRetriesEveryClassUnlessOneIsNamed() throws Exception {
        String allDone = "{\"database\":\"main\",\"class_name\":null,\"succeeded\":3,\"failed\":0,\"remaining\":0,"
                + "\"failures\":[]}";
        stub.answer("POST " + QUEUE + "/retry_pending?database=main", allDone);

        Run all = bbm("retry-pending");
        assertEquals(Bbm.OK, all.exitCode(), all::toString);
        assertEquals("{}", stub.requests().get(0).body());
        assertTrue(all.out().startsWith("All classes in database main: 3 succeeded"), all::toString);

        Run one = bbm("retry-pending", "X", "--json");
        assertEquals(Bbm.OK, one.exitCode(), one::toString);
        assertEquals("{\"class_name\":\"X\"}", stub.requests().get(1).body());
        assertEquals(JSON.readTree(allDone), JSON.readTree(one.out()));
    }
}
