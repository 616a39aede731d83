package dev.bbm.api;

import dev.bbm.problem.Problem;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The API's OpenAPI identity: title, version, description and the two ways to send a token. */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "bbm",
                        version = "0.1.0",
                        description =
                                "Batched background migrations for PostgreSQL, GitLab-style: queue a migration, watch it run "
                                        + "in batches in the background, and pause, resume, retry, finalize or mark it finished. "
                                        + "Errors are application/problem+json (RFC 9457)."),
        tags = {
            @Tag(
                    name = "Batched background migrations",
                    description = "GitLab's /api/v4/admin/batched_background_migrations"),
            @Tag(name = "Application settings", description = "Settings every replica applies at its next tick")
        },
        components =
                @Components(
                        schemas = @Schema(name = "Problem", implementation = Problem.class),
                        securitySchemes = {
                            @SecurityScheme(
                                    securitySchemeName = "PrivateToken",
                                    type = SecuritySchemeType.APIKEY,
                                    in = SecuritySchemeIn.HEADER,
                                    apiKeyName = "PRIVATE-TOKEN",
                                    description = "GitLab's header: PRIVATE-TOKEN: <token>"),
                            @SecurityScheme(
                                    securitySchemeName = "BearerToken",
                                    type = SecuritySchemeType.HTTP,
                                    scheme = "bearer",
                                    description = "Authorization: Bearer <token>")
                        }))
public class BbmApplication extends Application {}
