package dev.bbm.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import dev.bbm.support.Api;
import dev.bbm.support.DatabaseTestCase;
import dev.bbm.support.Db;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin pages in a real browser (headless Chromium driven by Playwright) against the running
 * service and its databases: what GitLab's documentation tells operators to do on Monitoring ›
 * Background migrations, step by step. Also takes the README's screenshots.
 */
@QuarkusTest
class AdminPagesTest extends DatabaseTestCase {

    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    /**
     * Where the screenshots go: {@code target/screenshots}, or the README's
     * ({@code -Dscreenshots=docs/screenshots}; not under bbm.*, whose names Quarkus checks) when they are to be refreshed, so that an
     * ordinary test run leaves the checkout as it was.
     */
    static final Path SCREENSHOTS = Paths.get(System.getProperty("screenshots", "target/screenshots"));

    private static final Duration LONG = Duration.ofSeconds(90);

    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/")
    URL root;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "bbm.databases.ci.url")
    String ciUrl;

    Db ci;
    BrowserContext context;
    Page page;
    /** What the browser reported against the pages' Content-Security-Policy: must stay empty. */
    final List<String> blocked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void launchBrowser() {
        playwright = Playwright.create();
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update")));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void openBrowserAndCleanCi() {
        ci = Db.onOwnPool(vertx, ciUrl);
        ci.clearMigrations();
        context = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL(root.toString().replaceAll("/$", ""))
                .setViewportSize(1280, 900));
        page = context.newPage();
        page.onConsoleMessage(message -> {
            if (message.text().contains("Content Security Policy")) {
                blocked.add(message.text());
            }
        });
    }

    @AfterEach
    void closeBrowserAndCi() {
        context.close();
        assertEquals(List.of(), blocked, "the pages load nothing their policy refuses");
        ci.clearMigrations();
        ci.close();
    }

    // ---- Scenarios --------------------------------------------------------------------------

    @Test
    void aPageAskedForWithoutSigningInLeadsToSignInAndBackToIt() {
        long id = migration(db, "ui_sign_in", 1);
        page.navigate("/admin/background_migrations/" + id + "?database=main");
        page.waitForURL(Pattern.compile(".*/admin/sign_in\\?return_to=.*"));

        page.locator("#token").fill("not-a-token");
        page.locator("#sign-in").click();
        assertThat(page.locator("#sign-in-error")).containsText("not valid");

        page.locator("#token").fill(Api.ADMIN_TOKEN);
        page.locator("#sign-in").click();
        page.waitForURL(Pattern.compile(".*/admin/background_migrations/" + id + "\\?database=main"));
        assertThat(page.locator("h1")).hasText("CopyColumnUsingBackgroundMigrationJob: ui_sign_in.id");
        assertThat(page.locator(".who")).containsText("test-admin");

        // The session is an HttpOnly, SameSite=Strict cookie for the admin pages only.
        var cookie = context.cookies().stream()
                .filter(c -> c.name.equals(SessionCookies.COOKIE))
                .findFirst()
                .orElseThrow();
        assertTrue(cookie.httpOnly);
        assertEquals(com.microsoft.playwright.options.SameSiteAttribute.STRICT, cookie.sameSite);
        assertEquals("/admin", cookie.path);

        page.locator("button", new Page.LocatorOptions().setHasText("Sign out")).click();
        page.waitForURL(Pattern.compile(".*/admin/sign_in"));
        page.navigate("/admin/background_migrations");
        page.waitForURL(Pattern.compile(".*/admin/sign_in\\?return_to=.*"));
    }

    @Test
    void eachMigrationAppearsUnderTheTabOfItsStatusWithTheRightCounts() {
        long active = migration(db, "ui_active", 1);
        succeededJob(db, active, 1, 400);
        long paused = migration(db, "ui_paused", 0);
        long failed = migration(db, "ui_failed", 4);
        long finalizing = migration(db, "ui_finalizing", 0);
        long finished = migration(db, "ui_finished", 3);
        // Held by a health indicator; the finalizing one too, else the engine would finalize it at once.
        db.exec("UPDATE batched_background_migrations SET on_hold_until = now() + interval '10 minutes',"
                + " on_hold_indicator = 'autovacuum', on_hold_reason = 'autovacuum is running on ' || table_name"
                + " WHERE id IN (" + paused + ", " + finalizing + ")");
        db.exec("UPDATE batched_background_migrations SET status = 5 WHERE id = " + finalizing);

        signIn(Api.ADMIN_TOKEN);
        assertThat(page.locator("#tab-queued .count")).hasText("2");
        assertThat(page.locator("#tab-finalizing .count")).hasText("1");
        assertThat(page.locator("#tab-failed .count")).hasText("1");
        assertThat(page.locator("#tab-finished .count")).hasText("1");

        // Queued: active and paused, each with its progress, time remaining, hold and buttons.
        assertThat(row(active)).containsText("CopyColumnUsingBackgroundMigrationJob: ui_active.id");
        assertThat(row(active).locator(".status")).hasText("active");
        assertThat(row(active).locator(".percent")).hasText("40 %");
        assertThat(row(active).locator("progress")).hasAttribute("value", "40.00");
        assertThat(row(active).locator("td[data-label='Time remaining']")).hasText("2 min 00 s");
        assertThat(row(active).locator("#pause-" + active)).isVisible();
        assertThat(row(active).locator("#finalize-" + active)).isVisible();
        assertThat(row(active).locator("#resume-" + active)).hasCount(0);
        assertThat(row(paused).locator(".status")).hasText("paused");
        assertThat(row(paused)).containsText("autovacuum: autovacuum is running on ui_paused");
        assertThat(row(paused).locator("#resume-" + paused)).isVisible();
        assertThat(row(failed)).hasCount(0);
        assertNoHorizontalScroll();
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("list.png")));

        page.locator("#tab-finalizing").click();
        assertThat(page.locator("#tab-finalizing")).hasAttribute("aria-current", "page");
        assertThat(row(finalizing).locator(".status")).hasText("finalizing");
        assertThat(page.locator("tbody tr")).hasCount(1);

        page.locator("#tab-failed").click();
        assertThat(row(failed).locator(".status")).hasText("failed");
        assertThat(row(failed).locator("#retry-" + failed)).isVisible();
        assertThat(page.locator("tbody tr")).hasCount(1);

        page.locator("#tab-finished").click();
        assertThat(row(finished).locator(".status")).hasText("finished");
        assertThat(row(finished).locator(".percent")).hasText("100 %");
        assertThat(row(finished).locator("button")).hasCount(0);

        // At phone width the table becomes cards: still no sideways scrolling.
        page.setViewportSize(390, 844);
        page.locator("#tab-queued").click();
        assertThat(row(active)).isVisible();
        assertNoHorizontalScroll();
    }

    @Test
    void aFailedMigrationShowsItsFailedJobsWhyTheyFailedAndRetryFinishesIt() {
        db.createCopyTable("ui_retry", 6000, 0);
        db.refuseUpdates("ui_retry", "NEW.id BETWEEN 3350 AND 3360");
        long id = Api.admin()
                .body(Api.copy(
                        "ui_retry", "\"batch_size\": 200, \"sub_batch_size\": 50, \"interval\": 0, \"pause_ms\": 0"))
                .post(Api.MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        db.engine(true, 2);
        db.awaitStatus(id, "failed", LONG);
        db.engine(false, 2);

        signIn(Api.ADMIN_TOKEN);
        page.locator("#tab-failed").click();
        assertThat(page.locator("#tab-failed .count")).hasText("1");
        page.locator("#migration-" + id).click();

        // The migration's parameters, its chart and the failed job.
        assertThat(page.locator("h1")).hasText("CopyColumnUsingBackgroundMigrationJob: ui_retry.id");
        assertThat(page.locator(".parameters")).containsText("Sub-batch size");
        assertThat(page.locator(".parameters")).containsText("[[\"a\"],[\"b\"]]");
        assertThat(page.locator("svg.chart")).isVisible();
        assertThat(page.locator("svg.chart title").first()).hasText("Throughput and batch size over time");
        assertThat(page.locator("#failed-heading .count")).hasText("1");
        Locator failedJob = page.locator(".failed-jobs tbody tr");
        assertThat(failedJob).hasCount(1);
        assertThat(failedJob).containsText("refuses to change");
        assertNoHorizontalScroll();
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve("migration.png"))
                .setFullPage(true));

        // Each ID leads to why the job failed: the transition logs with the exception.
        failedJob.locator("a").click();
        assertThat(page.locator("h1")).hasText(Pattern.compile("Job \\d+"));
        assertThat(page.locator(".transition .exception-class").first()).isVisible();
        assertThat(page.locator(".exception-message").first()).containsText("row 3350 refuses to change");
        assertThat(page.locator(".parameters")).containsText("Attempts");
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve("job.png"))
                .setFullPage(true));

        // Retry: the migration is queued again and, with the engine on, finishes.
        db.exec("DROP TRIGGER guard ON ui_retry");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Migration " + id))
                .click();
        page.locator("#retry-" + id).click();
        assertThat(page.locator(".notice")).hasText("Migration " + id + " retried: its failed batches run again.");
        assertThat(page.locator(".page-head .status")).hasText("active");
        assertEquals("active", db.status(id));

        page.navigate("/admin/background_migrations?database=main&tab=queued");
        assertThat(row(id).locator(".status")).hasText("active");
        assertThat(page.locator("#tab-failed .count")).hasText("0");
        db.engine(true, 2);
        // The list refreshes itself: no reload here.
        assertThat(page.locator("#tab-finished .count"))
                .hasText("1", new LocatorAssertions.HasTextOptions().setTimeout(LONG.toMillis()));
        assertThat(page.locator("#tab-queued .count")).hasText("0");
        assertEquals("finished", db.status(id));
        assertEquals(0, db.wrongCopies("ui_retry", 6000));
    }

    @Test
    void aTabShowsTwentyMigrationsAPageLikeTheApi() {
        for (int i = 1; i <= 21; i++) {
            migration(db, "ui_page_" + i, 0);
        }
        signIn(Api.ADMIN_TOKEN);
        assertThat(page.locator("#tab-queued .count")).hasText("21");
        assertThat(page.locator("tbody tr")).hasCount(20);
        // Newest first, as the API lists them.
        assertThat(page.locator("tbody tr").first()).containsText("ui_page_21.id");
        page.locator("#next-page").click();
        assertThat(page.locator(".pagination")).containsText("Page 2 of 2");
        assertThat(page.locator("tbody tr")).hasCount(1);
        assertThat(page.locator("tbody tr")).containsText("ui_page_1.id");
        page.locator("#previous-page").click();
        assertThat(page.locator("tbody tr")).hasCount(20);
    }

    @Test
    void pauseAndResumeFromTheList() {
        long id = migration(db, "ui_pause", 1);
        signIn(Api.ADMIN_TOKEN);

        page.locator("#pause-" + id).click();
        assertThat(page.locator(".notice")).hasText("Migration " + id + " paused.");
        assertThat(row(id).locator(".status")).hasText("paused");
        assertEquals("paused", db.status(id));

        page.locator("#resume-" + id).click();
        assertThat(page.locator(".notice")).hasText("Migration " + id + " resumed.");
        assertThat(row(id).locator(".status")).hasText("active");
        assertEquals("active", db.status(id));
    }

    @Test
    void aReadTokenSeesEverythingAndNoButtonsAndCannotAct() {
        long id = migration(db, "ui_reader", 1);
        signIn(Api.READ_TOKEN);
        assertThat(page.locator(".who")).containsText("read only");
        assertThat(row(id)).containsText("ui_reader.id");
        assertThat(page.locator("#migrations button")).hasCount(0);

        page.locator("#migration-" + id).click();
        assertThat(page.locator(".parameters")).containsText("Batch size");
        assertThat(page.locator("main form")).hasCount(0);
        assertThat(page.locator("#mark-finished-" + id)).hasCount(0);

        var confirmation = page.navigate("/admin/background_migrations/" + id + "/mark_finished?database=main");
        assertEquals(403, confirmation.status());
        assertThat(page.locator(".error")).containsText("read token");
        page.goBack();

        // Even with its session's CSRF token, a read token changes nothing.
        String csrf = page.locator("header input[name=csrf_token]").inputValue();
        var response = page.request()
                .post(
                        "/admin/background_migrations/" + id + "/pause?database=main",
                        RequestOptions.create().setForm(FormData.create().set("csrf_token", csrf)));
        assertEquals(403, response.status());
        assertTrue(response.text().contains("read token"));
        assertEquals("active", db.status(id));
    }

    @Test
    void aForgedPostWithoutTheCsrfTokenChangesNothingAndGetsAReadable403() {
        long id = migration(db, "ui_forged", 1);
        signIn(Api.ADMIN_TOKEN);

        // A form on the page that lacks the token (as one injected or made elsewhere would).
        page.evaluate(
                "id => { const f = document.createElement('form'); f.method = 'post';"
                        + " f.action = '/admin/background_migrations/' + id + '/pause?database=main';"
                        + " document.body.appendChild(f); f.submit(); }",
                String.valueOf(id));
        page.waitForLoadState();
        assertThat(page.locator("h1")).hasText("Not allowed");
        assertThat(page.locator(".error")).containsText("nothing was changed");
        assertEquals("active", db.status(id));

        var wrongToken = page.request()
                .post(
                        "/admin/background_migrations/" + id + "/pause?database=main",
                        RequestOptions.create().setForm(FormData.create().set("csrf_token", "forged")));
        assertEquals(403, wrongToken.status());
        assertTrue(wrongToken.headers().get("content-type").startsWith("text/html"));
        assertFalse(wrongToken.text().contains("Exception"));
        assertEquals("active", db.status(id));

        // Without a session at all, a POST leads to the sign-in page and changes nothing.
        context.clearCookies();
        var anonymous = page.request()
                .post(
                        "/admin/background_migrations/" + id + "/pause?database=main",
                        RequestOptions.create()
                                .setMaxRedirects(0)
                                .setForm(FormData.create().set("csrf_token", "x")));
        assertEquals(303, anonymous.status());
        assertTrue(anonymous.headers().get("location").endsWith("/admin/sign_in"));
        assertEquals("active", db.status(id));
    }

    @Test
    void markingFinishedAsksForAConfirmationThatSaysItCanLoseData() {
        long id = migration(db, "ui_mark", 1);
        signIn(Api.ADMIN_TOKEN);
        page.locator("#migration-" + id).click();
        page.locator("#mark-finished-" + id).click();
        assertThat(page.locator(".warning")).containsText("This can lose data.");

        // The browser refuses the form until the box is ticked; the server too.
        page.locator("#confirm-mark-finished").click();
        assertEquals("active", db.status(id));
        String csrf = page.locator("header input[name=csrf_token]").inputValue();
        var unconfirmed = page.request()
                .post(
                        "/admin/background_migrations/" + id + "/mark_finished?database=main",
                        RequestOptions.create().setForm(FormData.create().set("csrf_token", csrf)));
        assertEquals(400, unconfirmed.status());
        assertEquals("active", db.status(id));

        page.locator("#confirm").check();
        page.locator("#confirm-mark-finished").click();
        assertThat(page.locator(".notice"))
                .hasText("Migration " + id + " marked finished without running its remaining batches.");
        assertThat(page.locator(".page-head .status")).hasText("finished");
        assertEquals("finished", db.status(id));
    }

    @Test
    void theDatabaseSelectorShowsTheOtherDatabasesMigrations() {
        long inMain = migration(db, "ui_main_events", 1);
        long inCi = migration(ci, "ui_ci_builds", 0);
        signIn(Api.ADMIN_TOKEN);
        assertThat(page.locator("#migration-" + inMain)).containsText("ui_main_events");
        assertThat(page.locator("#database option")).hasText(new String[] {"ci", "main"});

        page.getByLabel("Database", new Page.GetByLabelOptions().setExact(true)).selectOption("ci");
        page.locator(".database-picker button").click();
        assertThat(page).hasURL(Pattern.compile(".*database=ci.*"));
        assertThat(page.locator("tbody tr")).hasCount(1);
        assertThat(row(inCi)).containsText("ui_ci_builds");
        assertThat(row(inCi).locator(".status")).hasText("paused");
        assertThat(page.locator("text=ui_main_events")).hasCount(0);

        // Its page and its actions stay in ci.
        page.locator("#migration-" + inCi).click();
        assertThat(page.locator(".parameters")).containsText("ci");
        page.locator("#resume-" + inCi).click();
        assertThat(page.locator(".page-head .status")).hasText("active");
        assertEquals("active", ci.status(inCi));
    }

    @Test
    void errorsAreReadablePagesAndTheKeyboardReachesEverything() {
        signIn(Api.ADMIN_TOKEN);
        var missing = page.navigate("/admin/background_migrations/999999?database=main");
        assertEquals(404, missing.status());
        assertThat(page.locator(".error")).containsText("There is no batched background migration with id 999999.");

        var malformed = page.navigate("/admin/background_migrations/abc");
        assertEquals(400, malformed.status());
        assertThat(page.locator(".error")).containsText("positive integers");

        var unknown = page.navigate("/admin/background_migrations?database=sec");
        assertEquals(400, unknown.status());
        assertThat(page.locator(".error")).containsText("it serves: ci, main");

        // The first Tab stop is the skip link, which leads to the main content.
        page.navigate("/admin/background_migrations");
        page.keyboard().press("Tab");
        assertThat(page.locator(".skip-link")).isFocused();
        page.keyboard().press("Enter");
        assertThat(page.locator("#main")).isFocused();
    }

    // ---- Helpers ----------------------------------------------------------------------------

    private void signIn(String token) {
        page.navigate("/admin/sign_in");
        page.locator("#token").fill(token);
        page.locator("#sign-in").click();
        page.waitForURL(Pattern.compile(".*/admin/background_migrations.*"));
    }

    private Locator row(long id) {
        return page.locator("tr[data-migration='" + id + "']");
    }

    private void assertNoHorizontalScroll() {
        assertEquals(
                Boolean.TRUE,
                page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"),
                "the page scrolls sideways at " + page.viewportSize().width + " px");
    }

    /** A migration row as GitLab's factory writes it: keys 1 to 1000 in batches of 100, 1000 rows estimated. */
    private static long migration(Db db, String table, int status) {
        db.exec("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, a int, b bigint)");
        return db.count("INSERT INTO batched_background_migrations (job_class_name, table_name, column_name,"
                + " job_arguments, min_value, max_value, batch_size, sub_batch_size, \"interval\", status,"
                + " total_tuple_count) VALUES ('CopyColumnUsingBackgroundMigrationJob', '" + table
                + "', 'id', '[[\"a\"], [\"b\"]]', 1, 1000, 100, 50, 20, " + status + ", 1000) RETURNING id");
    }

    /** A batch of {@code size} keys from {@code from} that took two seconds and succeeded. */
    private static void succeededJob(Db db, long migrationId, long from, int size) {
        db.exec("INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value,"
                + " max_value, batch_size, sub_batch_size, status, started_at, finished_at) VALUES ("
                + migrationId + ", " + from + ", " + (from + size - 1) + ", " + size
                + ", 50, 3, now() - interval '12 seconds', now() - interval '10 seconds')");
    }
}
