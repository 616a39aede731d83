package dev.bbm.ui;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URLEncoder;

/** The admin pages' URLs, in one place; each names its database, as GitLab's do. */
final class Links {

    static final String LIST = "/admin/background_migrations";

    private Links() {}

    static String list(String database, Tab tab, int page) {
        return LIST + "?database=" + encode(database) + "&tab=" + tab.param() + (page > 1 ? "&page=" + page : "");
    }

    static String migration(String database, long id) {
        return LIST + "/" + id + "?database=" + encode(database);
    }

    static String migration(String database, long id, int failedPage) {
        return migration(database, id) + (failedPage > 1 ? "&failed_page=" + failedPage : "");
    }

    static String job(String database, long migrationId, long jobId) {
        return LIST + "/" + migrationId + "/jobs/" + jobId + "?database=" + encode(database);
    }

    static String action(String database, long id, MigrationAction action) {
        return LIST + "/" + id + "/" + action.param() + "?database=" + encode(database);
    }

    /** Where an action's form may send the operator back to: an admin page of bbm, nothing else. */
    static boolean isAdminPage(String target) {
        return target != null
                && target.startsWith(LIST)
                && !target.contains("//")
                && !target.contains("\\")
                && target.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    /**
     * The page to go back to, told what was done. The notice is named, not written out, in the
     * URL: a link cannot make a page say something else than bbm's own words.
     */
    static String withNotice(String target, MigrationAction done, long id) {
        String withoutOld = target.replaceAll("[?&](done|migration)=[^&]*", "");
        if (!withoutOld.contains("?") && withoutOld.contains("&")) {
            withoutOld = withoutOld.replaceFirst("&", "?");
        }
        return withoutOld + (withoutOld.contains("?") ? "&" : "?") + "done=" + done.param() + "&migration=" + id;
    }

    /** The sentence a notice named in the URL stands for; empty for none or one bbm never wrote. */
    static String notice(String done, String migration) {
        if (done == null || migration == null || !migration.matches("[0-9]{1,19}")) {
            return "";
        }
        return MigrationAction.fromParam(done)
                .map(action -> "Migration " + migration + " " + action.outcome() + ".")
                .orElse("");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, UTF_8);
    }
}
