package dev.bbm.api.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body over {@code quarkus.http.limits.max-body-size} is refused by the HTTP layer before any
 * JAX-RS code runs; these routes give that refusal the same problem+json body as every other error.
 */
@ApplicationScoped
public class BodyLimitRoutes {

    private final long limit;
    private final ObjectMapper json;

    public BodyLimitRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit, ObjectMapper json) {
        this.limit = limit.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        // Before the body is read: a declared length over the limit is answered at once.
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > limit) {
                tooLarge(ctx);
            } else {
                ctx.next();
            }
        });
        // A chunked body that grows past the limit fails the route with 413.
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().ended() && !ctx.response().headWritten()) {
                tooLarge(ctx);
            } else {
                ctx.next();
            }
        });
    }

    private void tooLarge(RoutingContext ctx) {
        Problem problem = Problem.of("payload-too-large", "Payload Too Large", 413,
                "The request body is too large: at most " + limit + " bytes are accepted.");
        try {
            ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close").end(json.writeValueAsString(problem));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.response().setStatusCode(413).end();
        }
    }
}
