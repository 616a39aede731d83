package dev.bbm.ui;

import dev.bbm.security.TokenStore;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Signing in to the admin pages with an API token, and out again. The token is checked once;
 * the browser then holds a signed session cookie, never the token.
 */
@Path(AdminSessionFilter.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class SessionResource {

    private final TokenStore tokens;
    private final SessionCookies cookies;
    private final SignedIn signedIn;

    public SessionResource(TokenStore tokens, SessionCookies cookies, SignedIn signedIn) {
        this.tokens = tokens;
        this.cookies = cookies;
        this.signedIn = signedIn;
    }

    @GET
    @Operation(hidden = true)
    public Response home() {
        return Response.seeOther(URI.create(Links.LIST)).build();
    }

    @GET
    @Path("/sign_in")
    @Operation(hidden = true)
    public TemplateInstance signInForm(@QueryParam("return_to") String returnTo) {
        return Pages.signIn(Chrome.anonymous("Sign in"), new SignInPage(safe(returnTo), ""));
    }

    @POST
    @Path("/sign_in")
    @Operation(hidden = true)
    public Response signIn(
            @FormParam("token") String token,
            @FormParam("return_to") String returnTo,
            @Context UriInfo uri,
            @Context HttpHeaders headers) {
        Optional<TokenStore.Principal> principal = tokens.authenticate(token == null ? null : token.trim());
        if (principal.isEmpty()) {
            return Response.status(401)
                    .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity(Pages.signIn(
                                    Chrome.anonymous("Sign in"),
                                    new SignInPage(safe(returnTo), "That token is not valid. Check it and try again."))
                            .render())
                    .build();
        }
        AdminSession session = cookies.start(principal.get());
        return Response.seeOther(URI.create(safe(returnTo)))
                .cookie(cookies.cookie(session, secure(uri, headers)))
                .build();
    }

    @POST
    @Path("/sign_out")
    @Operation(hidden = true)
    public Response signOut(
            @FormParam("csrf_token") String csrfToken, @Context UriInfo uri, @Context HttpHeaders headers) {
        if (!cookies.csrfMatches(signedIn.session(), csrfToken)) {
            throw PageException.forbidden("This form did not come from a bbm page of your session, so you are still"
                    + " signed in. Use the Sign out button of a bbm page.");
        }
        return Response.seeOther(URI.create(AdminSessionFilter.SIGN_IN))
                .cookie(cookies.cleared(secure(uri, headers)))
                .build();
    }

    @ServerExceptionMapper
    public Response failed(Throwable failure) {
        return ErrorPages.of(failure, signedIn);
    }

    /** Only back to an admin page of bbm: a crafted link cannot send a signed-in operator elsewhere. */
    private static String safe(String returnTo) {
        return Links.isAdminPage(returnTo) ? returnTo : Links.LIST;
    }

    /** Over HTTPS (directly or behind a proxy that says so), the cookie is never sent over plain HTTP. */
    private static boolean secure(UriInfo uri, HttpHeaders headers) {
        return "https".equalsIgnoreCase(uri.getRequestUri().getScheme())
                || "https".equalsIgnoreCase(headers.getHeaderString("X-Forwarded-Proto"));
    }
}
