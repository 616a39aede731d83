package dev.bbm.config;

import java.util.regex.Pattern;

/** The URLs and names of the databases bbm serves. */
public final class DatabaseUrls {

    /**
     * What a database's name may be: GitLab's names ({@code main}, {@code ci}, {@code sec}) and
     * others like them. They appear in URLs, metric labels and environment variable names.
     */
    /** GitLab's name for the database bbm serves unless told otherwise: Quarkus' datasource. */
    public static final String MAIN = "main";

    public static final String NAME_REGEX = "[a-z][a-z0-9_]{0,30}";

    public static final Pattern NAME = Pattern.compile(NAME_REGEX);

    private DatabaseUrls() {}

    /**
     * {@code postgresql://user:secret@host:5432/db?x=y} becomes
     * {@code jdbc:postgresql://host:5432/db?x=y&user=user&password=secret}: the JDBC driver does not
     * read credentials from the authority. Configured credentials still take precedence.
     */
    public static String toJdbcUrl(String reactiveUrl) {
        String url = reactiveUrl.replaceFirst("^(postgresql|postgres|vertx-reactive:postgresql)://", "");
        int at = url.indexOf('@');
        int slash = url.indexOf('/');
        if (at < 0 || (slash >= 0 && at > slash)) {
            return "jdbc:postgresql://" + url;
        }
        String userInfo = url.substring(0, at);
        url = url.substring(at + 1);
        int colon = userInfo.indexOf(':');
        String credentials = "user=" + (colon < 0 ? userInfo : userInfo.substring(0, colon))
                + (colon < 0 ? "" : "&password=" + userInfo.substring(colon + 1));
        return "jdbc:postgresql://" + url + (url.contains("?") ? "&" : "?") + credentials;
    }

    /** The same server, another database: the URL's path names it. */
    public static String onDatabase(String url, String database) {
        return url.replaceFirst("^([a-z:-]+//[^/?]*)(/[^/?]*)?", "$1/" + database);
    }
}
