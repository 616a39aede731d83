package dev.bbm.api;

import dev.bbm.api.error.ApiException;
import dev.bbm.config.DatabaseUrls;
import dev.bbm.migration.JobStatus;
import dev.bbm.migration.MigrationFilter;
import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.security.Caller;
import dev.bbm.service.DatabaseServices;
import dev.bbm.service.FieldError;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GitLab's admin API for batched background migrations: queue, list, show. */
@Path(BatchedMigrationResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Batched background migrations")
@SecurityRequirement(name = "PrivateToken")
@SecurityRequirement(name = "BearerToken")
public class BatchedMigrationResource {

    static final String PATH = "/api/v4/admin/batched_background_migrations";

    static final int DEFAULT_PER_PAGE = 20;
    static final int MAX_PER_PAGE = 100;

    /** How long {@code wait=true} waits at most by default. */
    static final int DEFAULT_WAIT_SECONDS = 300;

    static final int MAX_WAIT_SECONDS = 3600;

    private final RequestedDatabase database;
    private final Caller caller;

    public BatchedMigrationResource(RequestedDatabase database, Caller caller) {
        this.database = database;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Queue a batched background migration",
            description = "Checks the job class, table, columns and arguments, then queues the migration. "
                    + "Queueing the same configuration again returns the existing migration.")
    @APIResponse(
            responseCode = "201",
            description = "Queued",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)),
            headers =
                    @Header(
                            name = "Location",
                            description = "The new migration's URL",
                            schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(
            responseCode = "200",
            description = "Already queued with this configuration",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed request")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "A read-only token")
    @APIResponse(responseCode = "422", description = "Invalid migration")
    public Uni<Response> queueMigration(QueueMigrationRequest request, @Context UriInfo uri) {
        if (request == null) {
            throw ApiException.badRequest(
                    "The request body must be a JSON object describing the migration, see /q/openapi.");
        }
        DatabaseServices.Served db = database.services(request.database());
        return db.migrations().queue(request.toCommand()).map(queued -> {
            MigrationResponse body = MigrationResponse.from(queued.migration(), db.database());
            return queued.created()
                    ? Response.created(location(uri, body.id(), db.database()))
                            .entity(body)
                            .build()
                    : Response.ok(body).build();
        });
    }

    @GET
    @Operation(summary = "List batched background migrations", description = "Newest first, paginated like GitLab.")
    @APIResponse(
            responseCode = "200",
            description = "A page of migrations",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = MigrationResponse.class)),
            headers = {
                @Header(
                        name = "X-Total",
                        description = "Migrations matching the filters",
                        schema = @Schema(type = SchemaType.INTEGER)),
                @Header(
                        name = "X-Total-Pages",
                        description = "Pages in all",
                        schema = @Schema(type = SchemaType.INTEGER)),
                @Header(name = "X-Page", description = "This page", schema = @Schema(type = SchemaType.INTEGER)),
                @Header(
                        name = "X-Per-Page",
                        description = "Migrations per page",
                        schema = @Schema(type = SchemaType.INTEGER)),
                @Header(
                        name = "X-Next-Page",
                        description = "The next page, empty on the last",
                        schema = @Schema(type = SchemaType.STRING)),
                @Header(
                        name = "X-Prev-Page",
                        description = "The previous page, empty on the first",
                        schema = @Schema(type = SchemaType.STRING))
            })
    @APIResponse(responseCode = "400", description = "Invalid filter or page")
    @APIResponse(responseCode = "401", description = "No valid token")
    public Uni<Response> listMigrations(
            @Parameter(
                            description =
                                    "paused, active, finished, failed, finalizing, finalized, or queued (active and paused)",
                            schema =
                                    @Schema(
                                            enumeration = {
                                                "paused",
                                                "active",
                                                "finished",
                                                "failed",
                                                "finalizing",
                                                "finalized",
                                                "queued"
                                            }))
                    @QueryParam("status")
                    String status,
            @QueryParam("job_class_name") String jobClassName,
            @QueryParam("table_name") String tableName,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", defaultValue = "1"))
                    @QueryParam("page")
                    String page,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "20"))
                    @QueryParam("per_page")
                    String perPage) {
        int pageNumber = Pagination.parse("page", page, 1, Integer.MAX_VALUE, 1);
        int size = Pagination.parse("per_page", perPage, 1, MAX_PER_PAGE, DEFAULT_PER_PAGE);
        MigrationFilter filter = new MigrationFilter(
                statuses(status),
                blankToNull(noNul("job_class_name", jobClassName)),
                blankToNull(noNul("table_name", tableName)));
        DatabaseServices.Served db = database.services();
        return db.migrations()
                .list(filter, pageNumber, size)
                .map(result -> Pagination.headers(
                                Response.ok(result.rows().stream()
                                        .map(row -> MigrationResponse.from(row, db.database()))
                                        .toList()),
                                pageNumber,
                                size,
                                result.total())
                        .build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Show a batched background migration")
    @APIResponse(
            responseCode = "200",
            description = "The migration",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a number")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "404", description = "No such migration")
    public Uni<MigrationResponse> getMigration(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id) {
        DatabaseServices.Served db = database.services();
        return db.migrations().get(parseId(id)).map(row -> MigrationResponse.from(row, db.database()));
    }

    @PUT
    @Path("/{id}/pause")
    @Operation(summary = "Pause an active migration", description = "The running batch completes; no new batch starts.")
    @APIResponse(
            responseCode = "200",
            description = "Paused",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "404", description = "No such migration")
    @APIResponse(responseCode = "422", description = "The migration is not active")
    public Uni<MigrationResponse> pauseMigration(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id) {
        DatabaseServices.Served db = database.services();
        return db.actions().pause(parseId(id)).map(row -> MigrationResponse.from(row, db.database()));
    }

    @PUT
    @Path("/{id}/resume")
    @Operation(summary = "Resume a paused migration")
    @APIResponse(
            responseCode = "200",
            description = "Active again",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "404", description = "No such migration")
    @APIResponse(responseCode = "422", description = "The migration is not paused")
    public Uni<MigrationResponse> resumeMigration(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id) {
        DatabaseServices.Served db = database.services();
        return db.actions().resume(parseId(id)).map(row -> MigrationResponse.from(row, db.database()));
    }

    @PUT
    @Path("/{id}/retry")
    @Operation(
            summary = "Retry a failed migration",
            description =
                    "Failed batches get fresh attempts (timed-out ones are split in halves) and the migration runs again.")
    @APIResponse(
            responseCode = "200",
            description = "Active again",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "404", description = "No such migration")
    @APIResponse(responseCode = "422", description = "The migration has not failed")
    public Uni<MigrationResponse> retryMigration(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id) {
        DatabaseServices.Served db = database.services();
        return db.actions().retry(parseId(id)).map(row -> MigrationResponse.from(row, db.database()));
    }

    @PUT
    @Path("/{id}/finalize")
    @Operation(
            summary = "Finalize a migration: run every remaining batch now",
            description = "Ignores the interval and the global switch (and the database-health holds with force=true). "
                    + "Answers 202 at once, or with wait=true once the migration is finished or failed (200), "
                    + "or still finalizing when the wait times out (202). A migration finished already is left as it"
                    + " is (200), as GitLab's finalize does: upgrade scripts run it again.")
    @APIResponse(
            responseCode = "200",
            description = "Finished (or failed) while waiting, or finished already",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(
            responseCode = "202",
            description = "Finalizing",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "400", description = "The id, wait, force or timeout is malformed")
    @APIResponse(responseCode = "404", description = "No such migration")
    public Uni<Response> finalizeMigration(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id,
            @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("wait")
                    String wait,
            @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("force")
                    String force,
            @Parameter(
                            description = "Seconds to wait at most (default 300)",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "3600",
                                            defaultValue = "300"))
                    @QueryParam("timeout")
                    String timeout,
            @Context UriInfo uri) {
        long migrationId = parseId(id);
        boolean forced = parseFlag("force", force, uri);
        boolean waiting = parseFlag("wait", wait, uri);
        DatabaseServices.Served db = database.services();
        return settle(db, db.actions().finalizeUnlessDone(migrationId, forced), waiting, waitSeconds(timeout));
    }

    @POST
    @Path("/finalize")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Finalize a migration named by its configuration",
            description = "GitLab's rake task finalize[job_class_name,table_name,column_name,job_arguments].")
    @APIResponse(
            responseCode = "200",
            description = "Finished (or failed) while waiting, or finished already",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(
            responseCode = "202",
            description = "Finalizing",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed request, wait, force or timeout")
    @APIResponse(responseCode = "404", description = "No migration with this configuration")
    @APIResponse(responseCode = "422", description = "Invalid configuration")
    public Uni<Response> finalizeByConfiguration(
            ConfigurationRequest request,
            @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("wait")
                    String wait,
            @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("force")
                    String force,
            @Parameter(
                            description = "Seconds to wait at most (default 300)",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "3600",
                                            defaultValue = "300"))
                    @QueryParam("timeout")
                    String timeout,
            @Context UriInfo uri) {
        boolean forced = parseFlag("force", force, uri);
        boolean waiting = parseFlag("wait", wait, uri);
        int seconds = waitSeconds(timeout);
        var configuration = ConfigurationRequest.require(request).toConfiguration();
        DatabaseServices.Served db = database.services(request.database());
        return settle(
                db,
                db.actions()
                        .findByConfiguration(configuration)
                        .flatMap(row ->
                                db.actions().finalizeUnlessDone(row.migration().id(), forced)),
                waiting,
                seconds);
    }

    @DELETE
    @Path("/{id}")
    @Operation(
            summary = "Delete a migration with its jobs and their logs",
            description = "GitLab's delete_batched_background_migration. Refused while a worker runs a batch of it: "
                    + "pause it first. Logged with the token's name.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", description = "The id is malformed")
    @APIResponse(responseCode = "404", description = "No such migration")
    @APIResponse(responseCode = "409", description = "A worker is running a batch of it")
    public Uni<Response> deleteMigration(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id) {
        long migrationId = parseId(id);
        return database.services()
                .actions()
                .delete(migrationId, caller.name())
                .map(ignored -> Response.noContent().build());
    }

    @PUT
    @Path("/{id}/mark_finished")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Mark a migration finished without running what is left",
            description = "Can lose data: the remaining batches never run. Needs {\"confirm\": true}. "
                    + "Each batch marked is written to the transition logs with the token's name.")
    @APIResponse(
            responseCode = "200",
            description = "Finished",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "404", description = "No such migration")
    @APIResponse(responseCode = "422", description = "Not confirmed, or finished already")
    public Uni<MigrationResponse> markFinished(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id,
            MarkFinishedRequest request) {
        long migrationId = parseId(id);
        if (request == null || !Boolean.TRUE.equals(request.confirm())) {
            throw ApiException.validation(List.of(new FieldError(
                    "confirm",
                    "must be true: marking finished skips the remaining batches, whose rows are then never migrated")));
        }
        DatabaseServices.Served db = database.services(request.database());
        return db.actions()
                .markFinished(migrationId, caller.name())
                .map(row -> MigrationResponse.from(row, db.database()));
    }

    @POST
    @Path("/ensure_finished")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Check that a migration is finished, as an upgrade does",
            description =
                    "200 when finished (it stays finished: GitLab's status <> 3 check then lists nothing); 409 with GitLab's message and the command that "
                            + "finalizes it otherwise. With finalize=true it finalizes first and answers once done.")
    @APIResponse(
            responseCode = "200",
            description = "Finished",
            content = @Content(schema = @Schema(implementation = MigrationResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed request, finalize or timeout")
    @APIResponse(responseCode = "404", description = "No migration with this configuration")
    @APIResponse(responseCode = "409", description = "Not finished")
    @APIResponse(responseCode = "422", description = "Invalid configuration")
    public Uni<MigrationResponse> ensureFinished(
            ConfigurationRequest request,
            @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("finalize")
                    String finalize,
            @Parameter(
                            description = "Seconds to wait at most with finalize=true (default 300)",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "3600",
                                            defaultValue = "300"))
                    @QueryParam("timeout")
                    String timeout,
            @Context UriInfo uri) {
        boolean finalizing = parseFlag("finalize", finalize, uri);
        int seconds = waitSeconds(timeout);
        var configuration = ConfigurationRequest.require(request).toConfiguration();
        DatabaseServices.Served db = database.services(request.database());
        return db.actions()
                .ensureFinished(configuration, finalizing, Duration.ofSeconds(seconds))
                .map(ensured -> {
                    if (!ensured.finished()) {
                        throw ApiException.conflict(UpgradeMessages.notFinished(
                                ensured.migration().migration(),
                                configuration,
                                db.database(),
                                uri.getBaseUri().toString()));
                    }
                    return MigrationResponse.from(ensured.migration(), db.database());
                });
    }

    @GET
    @Path("/{id}/jobs")
    @Operation(
            summary = "List a migration's batches with their transition logs",
            description = "GitLab's \"Failed jobs\" view with status=failed.")
    @APIResponse(
            responseCode = "200",
            description = "A page of jobs",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = JobResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid filter or page")
    @APIResponse(responseCode = "404", description = "No such migration")
    public Uni<Response> listJobs(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String id,
            @Parameter(schema = @Schema(enumeration = {"pending", "running", "failed", "succeeded"}))
                    @QueryParam("status")
                    String status,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", defaultValue = "1"))
                    @QueryParam("page")
                    String page,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "20"))
                    @QueryParam("per_page")
                    String perPage) {
        long migrationId = parseId(id);
        int pageNumber = Pagination.parse("page", page, 1, Integer.MAX_VALUE, 1);
        int size = Pagination.parse("per_page", perPage, 1, MAX_PER_PAGE, DEFAULT_PER_PAGE);
        JobStatus jobStatus = status == null || status.isBlank()
                ? null
                : JobStatus.fromApiName(status)
                        .orElseThrow(() -> ApiException.validation(List.of(
                                        new FieldError("status", "must be one of pending, running, failed, succeeded")))
                                .asBadRequest());
        return database.services()
                .migrations()
                .jobs(migrationId, jobStatus, pageNumber, size)
                .map(result -> Pagination.headers(
                                Response.ok(result.jobs().stream()
                                        .map(JobResponse::from)
                                        .toList()),
                                pageNumber,
                                size,
                                result.total())
                        .build());
    }

    /** 202 with the migration now, or with wait=true its state once it stops finalizing (200) or the wait ends (202). */
    private static Uni<Response> settle(
            DatabaseServices.Served db, Uni<MigrationRow> started, boolean wait, int timeout) {
        return started.flatMap(row -> wait && row.migration().status() == MigrationStatus.FINALIZING
                        ? db.actions().awaitSettled(row.migration().id(), Duration.ofSeconds(timeout))
                        : Uni.createFrom().item(row))
                .map(row -> Response.status(row.migration().status() == MigrationStatus.FINALIZING ? 202 : 200)
                        .entity(MigrationResponse.from(row, db.database()))
                        .build());
    }

    /** A migration's URL; one of another database than main says which. */
    private static URI location(UriInfo uri, long id, String database) {
        var builder = uri.getAbsolutePathBuilder().path(String.valueOf(id));
        return (DatabaseUrls.MAIN.equals(database) ? builder : builder.queryParam("database", database)).build();
    }

    /** How long {@code wait=true} may wait: {@code timeout} seconds, 1 to 3600. */
    static int waitSeconds(String timeout) {
        return Pagination.parse("timeout", timeout, 1, MAX_WAIT_SECONDS, DEFAULT_WAIT_SECONDS);
    }

    /**
     * Flags arrive as text: JAX-RS reads every word but {@code true} as false, so {@code force=1}
     * or {@code wait=yes} would silently do the opposite of what was asked. JAX-RS also hands an
     * empty value ({@code ?force}) over as absent, hence the look at the query itself.
     */
    static boolean parseFlag(String name, String value, UriInfo uri) {
        if (value == null && !uri.getQueryParameters().containsKey(name)) {
            return false;
        }
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw ApiException.validation(List.of(new FieldError(name, "must be true or false")))
                .asBadRequest();
    }

    /** Ids arrive as text so that a malformed one is a clear 400, not JAX-RS's bare 404. */
    static long parseId(String id) {
        // ASCII digits only: Long.parseLong also reads other scripts' digits ("١" is 1).
        if (id != null && id.matches("[0-9]{1,19}")) {
            try {
                long value = Long.parseLong(id);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // past Long.MAX_VALUE: reported below
            }
        }
        throw ApiException.validation(List.of(new FieldError("id", "must be a positive integer")))
                .asBadRequest();
    }

    private static List<MigrationStatus> statuses(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        if (status.equals("queued")) {
            return List.of(MigrationStatus.ACTIVE, MigrationStatus.PAUSED);
        }
        return List.of(MigrationStatus.fromApiName(status)
                .orElseThrow(() -> ApiException.validation(List.of(new FieldError(
                                "status",
                                "must be one of paused, active, finished, failed, finalizing, finalized, queued")))
                        .asBadRequest()));
    }

    /** PostgreSQL cannot store or compare the NUL character: a filter holding one is refused. */
    static String noNul(String field, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw ApiException.validation(
                            List.of(new FieldError(field, "must not contain the NUL character (\\u0000)")))
                    .asBadRequest();
        }
        return value;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
