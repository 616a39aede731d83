package dev.bbm.api;

import dev.bbm.engine.Databases;
import dev.bbm.problem.Problem;
import dev.bbm.service.FieldError;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * GitLab's {@code database} parameter of the admin and settings endpoints: a name bbm serves
 * ({@code main} by default), or a 400 with GitLab's {@code "database does not have a valid value"}
 * that names the databases there are. Never silently another database's answer.
 */
public class DatabaseParameterFilter {

    static final String PARAMETER = "database";
    /** GitLab's wording, which its clients and request specs compare exactly. */
    static final String INVALID = "does not have a valid value";

    private final Databases databases;

    public DatabaseParameterFilter(Databases databases) {
        this.databases = databases;
    }

    /** After the token check: a caller without a token learns nothing about the databases. */
    @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 10)
    public Optional<Response> checkDatabase(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith(BatchedMigrationResource.PATH) && !path.startsWith(SettingsResource.PATH)) {
            return Optional.empty();
        }
        List<String> values = request.getUriInfo().getQueryParameters().get(PARAMETER);
        if (values == null
                || values.stream().allMatch(value -> databases.find(value).isPresent())) {
            return Optional.empty();
        }
        Problem problem = new Problem(
                "https://bbm.dev/problems/validation",
                "Invalid request",
                400,
                "database: " + INVALID + "; the databases are: " + String.join(", ", databases.names()),
                List.of(new FieldError(PARAMETER, INVALID)));
        return Optional.of(
                Response.status(400).type(Problem.MEDIA_TYPE).entity(problem).build());
    }
}
