package dev.bbm.ui;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The admin pages' templates ({@code templates/admin/}), checked against these types at build time. */
@CheckedTemplate(basePath = "admin")
final class Pages {

    private Pages() {}

    static native TemplateInstance list(Chrome chrome, ListPage view);

    /** The tabs and the table alone: what the list page's script fetches to refresh itself. */
    static native TemplateInstance list$migrations(Chrome chrome, ListPage view);

    static native TemplateInstance migration(Chrome chrome, MigrationDetailPage view);

    static native TemplateInstance job(Chrome chrome, JobDetailPage view);

    static native TemplateInstance confirm(Chrome chrome, ConfirmPage view);

    static native TemplateInstance signIn(Chrome chrome, SignInPage view);

    static native TemplateInstance message(Chrome chrome, MessagePage view);
}
