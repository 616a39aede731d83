package dev.bbm.ui;

import dev.bbm.service.DatabaseServices;
import dev.bbm.service.ServiceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * Every failure of an admin page as a page that says what happened and what to do, in the
 * service's words where it has them; never a stack trace or a Java class name.
 */
final class ErrorPages {

    private static final Logger LOG = Logger.getLogger(ErrorPages.class);

    private ErrorPages() {}

    static Response of(Throwable failure, SignedIn signedIn) {
        MessagePage page = describe(failure);
        return Response.status(page.status())
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Pages.message(Chrome.of(page.title(), signedIn), page).render())
                .build();
    }

    static MessagePage describe(Throwable failure) {
        String back = Links.LIST;
        String backLabel = "Back to the background migrations";
        if (failure instanceof PageException e) {
            return new MessagePage(e.status(), e.title(), e.getMessage(), back, backLabel);
        }
        if (failure instanceof ServiceException.NotFound e) {
            return new MessagePage(404, "Not found", e.getMessage(), back, backLabel);
        }
        if (failure instanceof ServiceException.Refused e) {
            return new MessagePage(
                    422,
                    "Not possible now",
                    e.getMessage() + " The page was out of date; nothing was changed.",
                    back,
                    backLabel);
        }
        if (failure instanceof ServiceException.Busy e) {
            return new MessagePage(409, "Busy", e.getMessage(), back, backLabel);
        }
        if (failure instanceof ServiceException.InvalidInput e) {
            return new MessagePage(400, "Invalid request", e.getMessage(), back, backLabel);
        }
        if (DatabaseServices.isOutage(failure)) {
            return new MessagePage(
                    503,
                    "Database unreachable",
                    "The database cannot be reached now, so this page cannot be shown. Try again once it is back.",
                    back,
                    backLabel);
        }
        if (failure instanceof WebApplicationException e && e.getResponse().getStatus() < 500) {
            int status = e.getResponse().getStatus();
            return new MessagePage(status, "Request not accepted", "This request was not accepted.", back, backLabel);
        }
        LOG.error("An admin page failed", failure);
        return new MessagePage(
                500,
                "Something went wrong",
                "The server failed to show this page; its log has the details.",
                back,
                backLabel);
    }
}
