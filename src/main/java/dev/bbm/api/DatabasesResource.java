package dev.bbm.api;

import dev.bbm.service.DatabaseServices;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The databases bbm serves: the values the {@code database} parameter takes. */
@Path("/api/v4/admin/databases")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Databases")
@SecurityRequirement(name = "PrivateToken")
@SecurityRequirement(name = "BearerToken")
public class DatabasesResource {

    @Schema(name = "Database")
    public record DatabaseResponse(@Schema(example = "main") String name) {}

    private final DatabaseServices databases;

    public DatabasesResource(DatabaseServices databases) {
        this.databases = databases;
    }

    @GET
    @Operation(summary = "List the databases bbm serves", description = "main first, then the others by name.")
    public List<DatabaseResponse> listDatabases() {
        return databases.all().stream()
                .map(served -> new DatabaseResponse(served.database()))
                .toList();
    }
}
