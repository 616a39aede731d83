package dev.bbm.ui;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/** The session of the current admin-page request, set by {@link AdminSessionFilter}. */
@RequestScoped
public class SignedIn {

    private AdminSession session;
    private String csrfToken;

    void set(AdminSession session, String csrfToken) {
        this.session = session;
        this.csrfToken = csrfToken;
    }

    /** The session; the filter has redirected every request without one to the sign-in page. */
    public AdminSession session() {
        if (session == null) {
            throw new IllegalStateException("An admin page was reached without a session");
        }
        return session;
    }

    /** The session, on pages that also show without one (errors). */
    public Optional<AdminSession> optional() {
        return Optional.ofNullable(session);
    }

    public String csrfToken() {
        return csrfToken;
    }
}
