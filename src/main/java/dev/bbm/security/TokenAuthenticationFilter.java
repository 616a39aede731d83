package dev.bbm.security;

import dev.bbm.problem.Problem;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /api/v4/**} call needs a token, as GitLab's {@code PRIVATE-TOKEN} header or as
 * {@code Authorization: Bearer}. Read tokens may only read. {@code /q/**} (health, OpenAPI,
 * metrics) stays open for probes and scrapers.
 */
public class TokenAuthenticationFilter {

    static final String PRIVATE_TOKEN = "PRIVATE-TOKEN";
    private static final Set<String> READ_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final TokenStore tokens;
    private final Caller caller;

    public TokenAuthenticationFilter(TokenStore tokens, Caller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Optional.empty();
        }
        String presented = presentedToken(request);
        if (presented == null) {
            return Optional.of(refuse(
                    401,
                    "Unauthorized",
                    "Send an API token in the PRIVATE-TOKEN header or as 'Authorization: Bearer <token>'."));
        }
        Optional<TokenStore.Principal> principal = tokens.authenticate(presented);
        if (principal.isEmpty()) {
            return Optional.of(refuse(401, "Unauthorized", "The API token is not valid."));
        }
        if (!principal.get().admin() && !READ_METHODS.contains(request.getMethod())) {
            return Optional.of(refuse(
                    403,
                    "Forbidden",
                    "This token may only read; changing migrations needs an admin token (bbm.security.admin-tokens)."));
        }
        caller.set(principal.get());
        return Optional.empty();
    }

    private static String presentedToken(ContainerRequestContext request) {
        String privateToken = request.getHeaderString(PRIVATE_TOKEN);
        if (privateToken != null && !privateToken.isBlank()) {
            return privateToken.trim();
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    private static Response refuse(int status, String title, String detail) {
        Response.ResponseBuilder response = Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(title.toLowerCase(), title, status, detail));
        if (status == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"bbm\"");
        }
        return response.build();
    }
}
