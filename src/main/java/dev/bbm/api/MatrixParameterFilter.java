package dev.bbm.api;

import dev.bbm.api.error.ApiException;
import dev.bbm.problem.Problem;
import dev.bbm.service.FieldError;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * JAX-RS reads {@code /migrations/1;DROP} as migration 1 with a matrix parameter. bbm takes no
 * matrix parameters, so a {@code ;} in an API path is refused instead of silently dropped.
 */
public class MatrixParameterFilter {

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION - 100)
    public Optional<Response> refuseMatrixParameters(HttpServerRequest request) {
        String path = request.path();
        if (path.startsWith("/api/") && path.indexOf(';') >= 0) {
            return Optional.of(Response.status(400)
                    .type(Problem.MEDIA_TYPE)
                    .entity(ApiException.validation(List.of(new FieldError(
                                    "id", "path segments must not contain ';': an id is a positive integer")))
                            .asBadRequest()
                            .problem())
                    .build());
        }
        return Optional.empty();
    }
}
