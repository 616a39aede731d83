package dev.bbm.ui;

import static java.nio.charset.StandardCharsets.UTF_8;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every admin page but the sign-in page needs a session: a request without a valid one is sent
 * to sign in (and back to the page it asked for afterwards). The API's token filter does not
 * look at these paths, nor this one at the API's. Every admin page also gets the headers that
 * keep it from being framed, cached or fed scripts from elsewhere.
 */
public class AdminSessionFilter {

    static final String ADMIN = "/admin";
    static final String SIGN_IN = ADMIN + "/sign_in";

    /** Only bbm's own stylesheet and script; no inline code, no framing, forms post to bbm only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; script-src 'self';"
            + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final SessionCookies cookies;
    private final SignedIn signedIn;

    public AdminSessionFilter(SessionCookies cookies, SignedIn signedIn) {
        this.cookies = cookies;
        this.signedIn = signedIn;
    }

    @ServerRequestFilter
    public Optional<Response> requireSession(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!isAdminPage(path) || path.equals(SIGN_IN)) {
            return Optional.empty();
        }
        Cookie cookie = request.getCookies().get(SessionCookies.COOKIE);
        Optional<AdminSession> session = cookies.decode(cookie == null ? null : cookie.getValue());
        if (session.isPresent()) {
            signedIn.set(session.get(), cookies.csrfToken(session.get()));
            return Optional.empty();
        }
        String signIn = SIGN_IN;
        if (HttpMethod.GET.equals(request.getMethod())) {
            // Back to the page asked for once signed in; a form posted without a session is not replayed.
            String asked = request.getUriInfo().getRequestUri().getRawPath();
            String query = request.getUriInfo().getRequestUri().getRawQuery();
            signIn += "?return_to=" + URLEncoder.encode(query == null ? asked : asked + "?" + query, UTF_8);
        }
        return Optional.of(Response.seeOther(URI.create(signIn)).build());
    }

    @ServerResponseFilter
    public void secureHeaders(ContainerRequestContext request, ContainerResponseContext response) {
        if (!isAdminPage(request.getUriInfo().getPath())) {
            return;
        }
        var headers = response.getHeaders();
        headers.putSingle("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("X-Frame-Options", "DENY");
        headers.putSingle("Referrer-Policy", "same-origin");
        headers.putSingle("Cache-Control", "no-store");
    }

    static boolean isAdminPage(String path) {
        return path.equals(ADMIN) || path.startsWith(ADMIN + "/");
    }
}
