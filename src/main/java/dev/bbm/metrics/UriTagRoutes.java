package dev.bbm.metrics;

import io.vertx.core.Context;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the {@code uri} tag of {@code http_server_requests} to the API's routes. Micrometer tags a
 * request with its route's template, or with the path itself when no route template was set, and
 * keeps at most 100 values: paths a client makes up (refused before matching with 401, 403 or
 * 400, unknown with 404, too large with 413) would use them up, after which the API's own routes
 * are no longer measured. So every request starts out as {@value #UNMATCHED}, and JAX-RS replaces
 * that with the route's template when a resource method matches.
 */
@ApplicationScoped
public class UriTagRoutes {

    /**
     * Where quarkus-micrometer reads a request's template from ({@code HttpRequestMetric}) and
     * quarkus-rest writes it to ({@code ObservabilityHandler}): a local of the request's context.
     */
    static final String URL_PATH_TEMPLATE = "UrlPathTemplate";
    /** The one {@code uri} tag of every request no route answered. */
    static final String UNMATCHED = "/UNMATCHED";
    /** First of all routes, so that a request refused by an early one is tagged too. */
    static final int ORDER = Integer.MIN_VALUE;

    private final String nonApplicationPaths;

    public UriTagRoutes(
            @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q") String root) {
        String trimmed = root.replaceAll("^/+|/+$", "");
        this.nonApplicationPaths = "/" + trimmed + "/";
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(ctx -> {
            tagUnmatched(ctx);
            ctx.next();
        });
        // A request the router fails before any handler ran (a path it cannot decode, say).
        router.route().order(ORDER).failureHandler(ctx -> {
            tagUnmatched(ctx);
            ctx.next();
        });
    }

    private void tagUnmatched(RoutingContext ctx) {
        // Health, metrics and OpenAPI are left as they are: Micrometer ignores their paths.
        String path = ctx.request().path();
        if (path != null && (path + "/").startsWith(nonApplicationPaths)) {
            return;
        }
        // The request's own context, as quarkus-rest reaches it to set the template.
        Context request = ((HttpServerRequestInternal) ctx.request()).context();
        if (request.getLocal(URL_PATH_TEMPLATE) == null) {
            request.putLocal(URL_PATH_TEMPLATE, UNMATCHED);
        }
    }
}
