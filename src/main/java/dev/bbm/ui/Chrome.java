package dev.bbm.ui;

import io.quarkus.qute.TemplateData;

/**
 * What the layout around every admin page shows: the title, who is signed in (with the form to
 * sign out) or nobody on the sign-in and error pages.
 */
@TemplateData
public record Chrome(String title, boolean signedIn, String operator, boolean admin, String csrfToken) {

    static Chrome anonymous(String title) {
        return new Chrome(title, false, "", false, "");
    }

    static Chrome of(String title, SignedIn signedIn) {
        return signedIn.optional()
                .map(s -> new Chrome(title, true, s.operator(), s.admin(), signedIn.csrfToken()))
                .orElseGet(() -> anonymous(title));
    }
}
