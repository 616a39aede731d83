package dev.bbm.api;

import dev.bbm.config.DatabaseUrls;
import dev.bbm.problem.Problem;
import dev.bbm.service.DatabaseServices;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * GitLab's {@code database} parameter of the admin and settings endpoints: a name bbm serves
 * ({@code main} by default), or a 400 with GitLab's {@code "database does not have a valid value"}
 * that names the databases there are. Never silently another database's answer.
 */
public class DatabaseParameterFilter {

    static final String PARAMETER = RequestedDatabase.PARAMETER;

    /** What a database's name looks like, for the OpenAPI document. */
    static final String NAME_PATTERN = "^" + DatabaseUrls.NAME_REGEX + "$";

    private final DatabaseServices services;
    private final RequestedDatabase requested;

    public DatabaseParameterFilter(DatabaseServices services, RequestedDatabase requested) {
        this.services = services;
        this.requested = requested;
    }

    /** The raw header: a malformed one ({@code json}) is JAX-RS's 415 to give, not a parse failure here. */
    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
        return type.startsWith(MediaType.APPLICATION_FORM_URLENCODED) || type.startsWith(MediaType.MULTIPART_FORM_DATA);
    }

    /** After the token check: a caller without a token learns nothing about the databases. */
    @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 10)
    public Optional<Response> checkDatabase(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith(BatchedMigrationResource.PATH)
                && !path.startsWith(BackgroundMigrationResource.PATH)
                && !path.startsWith(SettingsResource.PATH)) {
            return Optional.empty();
        }
        if (isForm(request.getHeaderString("Content-Type"))) {
            // Rails clients send a PUT's params as a form: bbm reads JSON, and would otherwise
            // answer for main what was asked of the database the form names.
            return Optional.of(Response.status(415)
                    .type(Problem.MEDIA_TYPE)
                    .entity(Problem.of(
                            "unsupported-media-type",
                            "Unsupported Media Type",
                            415,
                            "bbm reads request bodies as application/json; pass the database as a query parameter"
                                    + " (?database=ci) or as \"database\" in a JSON body."))
                    .build());
        }
        List<String> values = request.getUriInfo().getQueryParameters().get(PARAMETER);
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.stream().distinct().count() == 1
                && services.find(values.get(0)).isPresent()) {
            requested.fromQuery(values.get(0));
            return Optional.empty();
        }
        return Optional.of(Response.status(400)
                .type(Problem.MEDIA_TYPE)
                .entity(RequestedDatabase.unknown(services.names()))
                .build());
    }
}
