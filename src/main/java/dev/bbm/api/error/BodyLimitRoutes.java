package dev.bbm.api.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body over {@code quarkus.http.limits.max-body-size} is refused before any JAX-RS code runs,
 * with the same problem+json body as every other error. A declared length is checked at once; a
 * chunked body is read and counted here, because the stream JAX-RS would read it from answers a
 * bare 413 itself, after which the problem cannot be written ("Response has already been written").
 */
@ApplicationScoped
public class BodyLimitRoutes {

    /** Early: after the uri tag (dev.bbm.metrics.UriTagRoutes), before any route that reads a body. */
    static final int ORDER = Integer.MIN_VALUE + 1;

    private final long limit;
    private final ObjectMapper json;
    /**
     * Reads a chunked body into memory, up to the limit; past it, fails the route with 413. JAX-RS
     * reads a body so read in one piece when it fits quarkus.rest.input-buffer-size, which is
     * therefore the same as the limit.
     */
    private final BodyHandler chunkedBodies;

    public BodyLimitRoutes(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit, ObjectMapper json) {
        this.limit = limit.asLongValue();
        this.json = json;
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(this.limit);
    }

    void install(@Observes Router router) {
        // Before the body is read: a declared length over the limit is answered at once. A chunked
        // body is read here; JAX-RS then takes it from the routing context.
        router.route().order(ORDER).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > limit) {
                tooLarge(ctx);
            } else if (length == null && ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                chunkedBodies.handle(ctx);
            } else {
                ctx.next();
            }
        });
        // A chunked body that grew past the limit failed the route with 413.
        router.route().order(ORDER).failureHandler(ctx -> {
            if (ctx.statusCode() == 413
                    && !ctx.response().ended()
                    && !ctx.response().headWritten()) {
                tooLarge(ctx);
            } else {
                ctx.next();
            }
        });
    }

    private void tooLarge(RoutingContext ctx) {
        Problem problem = Problem.of(
                "payload-too-large",
                "Payload Too Large",
                413,
                "The request body is too large: at most " + limit + " bytes are accepted.");
        try {
            ctx.response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(json.writeValueAsString(problem));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.response().setStatusCode(413).end();
        }
    }
}
