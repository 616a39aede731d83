package dev.bbm.api;

import dev.bbm.api.error.ApiException;
import dev.bbm.db.SettingsRepository;
import dev.bbm.service.DatabaseServices;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
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

    private final RequestedDatabase database;

    public SettingsResource(RequestedDatabase database) {
        this.database = database;
    }

    @GET
    @Operation(summary = "Read the batched background migration settings")
    @APIResponse(
            responseCode = "200",
            description = "The settings",
            content = @Content(schema = @Schema(implementation = SettingsResponse.class)))
    public Uni<SettingsResponse> getSettings() {
        DatabaseServices.Served db = database.services();
        return db.settings().get().map(current -> from(current, db.database()));
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
        DatabaseServices.Served db = database.services(request.database());
        return db.settings()
                .update(
                        request.databaseMaxRunningBatchedBackgroundMigrations(),
                        request.executeBatchedMigrationsOnSchedule(),
                        request.batchedMigrationsImpactBudgetPercent())
                .map(current -> from(current, db.database()));
    }

    private static SettingsResponse from(SettingsRepository.Settings current, String database) {
        return new SettingsResponse(
                current.maxRunningMigrations(), current.executeOnSchedule(), current.impactBudgetPercent(), database);
    }
}
