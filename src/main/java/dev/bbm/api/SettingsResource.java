package dev.bbm.api;

import dev.bbm.api.error.ApiException;
import dev.bbm.db.SettingsRepository;
import dev.bbm.service.FieldError;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * GitLab's application settings for batched background migrations. Stored in the database, so
 * every replica applies a change at its next tick.
 */
@Path(SettingsResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Application settings")
@SecurityRequirement(name = "PrivateToken")
@SecurityRequirement(name = "BearerToken")
public class SettingsResource {

    static final String PATH = "/api/v4/application/settings";

    static final int MAX_RUNNING_LIMIT = 100;

    private final Pool pool;
    private final SettingsRepository settings;

    public SettingsResource(Pool pool, SettingsRepository settings) {
        this.pool = pool;
        this.settings = settings;
    }

    @GET
    @Operation(summary = "Read the batched background migration settings")
    @APIResponse(
            responseCode = "200",
            description = "The settings",
            content = @Content(schema = @Schema(implementation = SettingsResponse.class)))
    public Uni<SettingsResponse> getSettings() {
        return settings.get(pool).map(SettingsResource::from);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change the batched background migration settings",
            description = "Fields left out keep their value.")
    @APIResponse(
            responseCode = "200",
            description = "The settings now",
            content = @Content(schema = @Schema(implementation = SettingsResponse.class)))
    @APIResponse(responseCode = "422", description = "A value out of range")
    public Uni<SettingsResponse> updateSettings(SettingsResponse request) {
        if (request == null) {
            throw ApiException.badRequest("The request body must be a JSON object with the settings to change.");
        }
        Integer maxRunning = request.databaseMaxRunningBatchedBackgroundMigrations();
        if (maxRunning != null && (maxRunning < 0 || maxRunning > MAX_RUNNING_LIMIT)) {
            throw ApiException.validation(List.of(new FieldError(
                    "database_max_running_batched_background_migrations",
                    "must be between 0 and " + MAX_RUNNING_LIMIT)));
        }
        return settings.update(pool, maxRunning, request.executeBatchedMigrationsOnSchedule())
                .map(SettingsResource::from);
    }

    private static SettingsResponse from(SettingsRepository.Settings current) {
        return new SettingsResponse(current.maxRunningMigrations(), current.executeOnSchedule());
    }
}
