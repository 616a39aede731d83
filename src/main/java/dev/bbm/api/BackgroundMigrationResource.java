package dev.bbm.api;

import dev.bbm.service.DatabaseServices;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * GitLab's older, non-batched background migrations ({@code background_migration_jobs}): what the
 * runbook checks before an upgrade ({@code remaining}, {@code pending}) and what it runs when they
 * are stuck ({@code steal}, the re-run of pending jobs). An application enqueues a job with a
 * plain {@code INSERT}; bbm runs pending ones in the background.
 */
@Path(BackgroundMigrationResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Background migrations (non-batched)")
@SecurityRequirement(name = "PrivateToken")
@SecurityRequirement(name = "BearerToken")
public class BackgroundMigrationResource {

    static final String PATH = "/api/v4/admin/background_migrations";

    private final RequestedDatabase database;

    public BackgroundMigrationResource(RequestedDatabase database) {
        this.database = database;
    }

    @GET
    @Path("/remaining")
    @Operation(
            summary = "Count pending jobs, in all and per class",
            description = "GitLab's Gitlab::BackgroundMigration.remaining: 0 when the non-batched queue is done.")
    @APIResponse(
            responseCode = "200",
            description = "The counts",
            content = @Content(schema = @Schema(implementation = LegacyResponses.Remaining.class)))
    public Uni<LegacyResponses.Remaining> remaining() {
        DatabaseServices.Served db = database.services();
        return db.legacy().remaining().map(byClass -> LegacyResponses.Remaining.from(db.database(), byClass));
    }

    @GET
    @Path("/pending")
    @Operation(
            summary = "List pending jobs, oldest first",
            description = "GitLab's BackgroundMigrationJob.pending, with each job's attempts and last error.")
    @APIResponse(
            responseCode = "200",
            description = "A page of pending jobs",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = LegacyResponses.Job.class)))
    public Uni<Response> pending(
            @QueryParam("class_name") String className,
            @QueryParam("page") String page,
            @QueryParam("per_page") String perPage) {
        int pageNumber = Pagination.parse("page", page, 1, Integer.MAX_VALUE, 1);
        int size = Pagination.parse(
                "per_page",
                perPage,
                1,
                BatchedMigrationResource.MAX_PER_PAGE,
                BatchedMigrationResource.DEFAULT_PER_PAGE);
        return database.services()
                .legacy()
                .pending(
                        BatchedMigrationResource.blankToNull(BatchedMigrationResource.noNul("class_name", className)),
                        pageNumber,
                        size)
                .map(result -> Pagination.headers(
                                Response.ok(result.jobs().stream()
                                        .map(LegacyResponses.Job::from)
                                        .toList()),
                                pageNumber,
                                size,
                                result.total())
                        .build());
    }

    @POST
    @Path("/steal")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Run a class's pending jobs now",
            description = "GitLab's Gitlab::BackgroundMigration.steal: each pending job of the class runs once, in"
                    + " this request; a failure is kept on its job and counted.")
    @APIResponse(
            responseCode = "200",
            description = "What ran",
            content = @Content(schema = @Schema(implementation = LegacyResponses.Outcome.class)))
    public Uni<LegacyResponses.Outcome> steal(LegacyResponses.ClassRequest request) {
        LegacyResponses.ClassRequest body = request == null ? new LegacyResponses.ClassRequest(null, null) : request;
        DatabaseServices.Served db = database.services(body.database());
        return db.legacy()
                .steal(BatchedMigrationResource.noNul("class_name", body.className()))
                .map(outcome -> LegacyResponses.Outcome.from(db.database(), outcome));
    }

    @POST
    @Path("/retry_pending")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Re-run pending jobs now",
            description = "The runbook's re-run of BackgroundMigrationJob.pending: each pending job (of class_name,"
                    + " or of every class) gets fresh attempts and runs once, in this request.")
    @APIResponse(
            responseCode = "200",
            description = "What ran",
            content = @Content(schema = @Schema(implementation = LegacyResponses.Outcome.class)))
    public Uni<LegacyResponses.Outcome> retryPending(LegacyResponses.ClassRequest request) {
        LegacyResponses.ClassRequest body = request == null ? new LegacyResponses.ClassRequest(null, null) : request;
        DatabaseServices.Served db = database.services(body.database());
        return db.legacy()
                .retryPending(BatchedMigrationResource.blankToNull(
                        BatchedMigrationResource.noNul("class_name", body.className())))
                .map(outcome -> LegacyResponses.Outcome.from(db.database(), outcome));
    }
}
