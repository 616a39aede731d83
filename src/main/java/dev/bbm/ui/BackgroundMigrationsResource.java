package dev.bbm.ui;

import dev.bbm.config.DatabaseUrls;
import dev.bbm.service.DatabaseServices;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * GitLab's admin page Monitoring › Background migrations, served by bbm: the list by status,
 * each migration's page, each job's page, and the operator's actions as POST forms. Thin: the
 * pages' records read the same services as the JSON API; this class parses and renders.
 */
@Path(Links.LIST)
@Produces(MediaType.TEXT_HTML)
public class BackgroundMigrationsResource {

    private final DatabaseServices services;
    private final SignedIn signedIn;
    private final SessionCookies cookies;

    public BackgroundMigrationsResource(DatabaseServices services, SignedIn signedIn, SessionCookies cookies) {
        this.services = services;
        this.signedIn = signedIn;
        this.cookies = cookies;
    }

    @GET
    @Operation(hidden = true)
    public Uni<TemplateInstance> list(
            @QueryParam("database") String database,
            @QueryParam("tab") String tab,
            @QueryParam("page") String page,
            @QueryParam("fragment") String fragment,
            @QueryParam("done") String done,
            @QueryParam("migration") String migration) {
        DatabaseServices.Served db = served(database);
        Tab shown = tab == null || tab.isBlank()
                ? Tab.QUEUED
                : Tab.fromParam(tab)
                        .orElseThrow(() -> PageException.badRequest(
                                "There is no tab '" + tab + "': queued, finalizing, failed or finished."));
        return ListPage.load(db, services.names(), shown, number("page", page), Links.notice(done, migration))
                .map(view -> "migrations".equals(fragment)
                        ? Pages.list$migrations(chrome("Background migrations"), view)
                        : Pages.list(chrome("Background migrations"), view));
    }

    @GET
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<TemplateInstance> migration(
            @PathParam("id") String id,
            @QueryParam("database") String database,
            @QueryParam("failed_page") String failedPage,
            @QueryParam("done") String done,
            @QueryParam("migration") String migration) {
        long migrationId = id(id);
        return MigrationDetailPage.load(
                        served(database), migrationId, number("failed_page", failedPage), Links.notice(done, migration))
                .map(view -> Pages.migration(chrome("Migration " + migrationId), view));
    }

    @GET
    @Path("/{id}/jobs/{jobId}")
    @Operation(hidden = true)
    public Uni<TemplateInstance> job(
            @PathParam("id") String id, @PathParam("jobId") String jobId, @QueryParam("database") String database) {
        long migrationId = id(id);
        long job = id(jobId);
        return JobDetailPage.load(served(database), migrationId, job)
                .map(view -> Pages.job(chrome("Job " + job + " of migration " + migrationId), view));
    }

    /** Marking finished can lose data: a page asks first, and only an admin sees it. */
    @GET
    @Path("/{id}/mark_finished")
    @Operation(hidden = true)
    public Uni<TemplateInstance> confirmMarkFinished(
            @PathParam("id") String id, @QueryParam("database") String database) {
        requireAdmin();
        long migrationId = id(id);
        DatabaseServices.Served db = served(database);
        return db.migrations()
                .get(migrationId)
                .map(row -> Pages.confirm(
                        chrome("Mark migration " + migrationId + " finished"),
                        new ConfirmPage(
                                MigrationView.of(row),
                                Links.action(db.database(), migrationId, MigrationAction.MARK_FINISHED),
                                Links.migration(db.database(), migrationId),
                                Links.migration(db.database(), migrationId))));
    }

    /**
     * An operator's action. Refused, changing nothing, without this session's CSRF token (a form
     * another site made the browser send), with a read token, and for mark finished without the
     * confirmation. Answers by sending the operator back to the page the form was on.
     */
    @POST
    @Path("/{id}/{action}")
    @Operation(hidden = true)
    public Uni<Response> act(
            @PathParam("id") String id,
            @PathParam("action") String action,
            @QueryParam("database") String database,
            @FormParam("csrf_token") String csrfToken,
            @FormParam("return_to") String returnTo,
            @FormParam("confirm") String confirm) {
        AdminSession session = signedIn.session();
        if (!cookies.csrfMatches(session, csrfToken)) {
            throw PageException.forbidden("This form did not come from a bbm page of your session (its security"
                    + " token is missing or out of date), so nothing was changed. Reload the page and try again.");
        }
        requireAdmin();
        long migrationId = id(id);
        MigrationAction chosen = MigrationAction.fromParam(action)
                .orElseThrow(() -> new PageException(404, "Not found", "There is no action '" + action + "'."));
        if (chosen == MigrationAction.MARK_FINISHED && !"true".equals(confirm)) {
            throw PageException.badRequest("Marking finished needs the confirmation that the remaining batches will"
                    + " never run; nothing was changed.");
        }
        DatabaseServices.Served db = served(database);
        String back = Links.isAdminPage(returnTo) ? returnTo : Links.migration(db.database(), migrationId);
        return chosen.run(db, migrationId, session.operator())
                .map(row -> Response.seeOther(URI.create(Links.withNotice(back, chosen, migrationId)))
                        .build());
    }

    @ServerExceptionMapper
    public Response failed(Throwable failure) {
        return ErrorPages.of(failure, signedIn);
    }

    private void requireAdmin() {
        if (!signedIn.session().admin()) {
            throw PageException.forbidden("You signed in with a read token, which may only look. Changing migrations"
                    + " needs an admin token (bbm.security.admin-tokens); nothing was changed.");
        }
    }

    private Chrome chrome(String title) {
        return Chrome.of(title, signedIn);
    }

    private DatabaseServices.Served served(String database) {
        String name = database == null || database.isBlank() ? DatabaseUrls.MAIN : database;
        return services.find(name)
                .orElseThrow(() -> PageException.badRequest("bbm serves no database '" + name + "'; it serves: "
                        + String.join(", ", services.names()) + "."));
    }

    /** Ids are text in the path so that a malformed one is a readable 400, not a bare 404. */
    private static long id(String value) {
        if (value != null && value.matches("[0-9]{1,18}") && Long.parseLong(value) > 0) {
            return Long.parseLong(value);
        }
        throw PageException.badRequest("'" + value + "' is not an id: ids are positive integers.");
    }

    private static int number(String name, String value) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        if (value.matches("[0-9]{1,6}") && Integer.parseInt(value) > 0) {
            return Integer.parseInt(value);
        }
        throw PageException.badRequest("'" + name + "' must be a page number from 1 to 999999.");
    }
}
