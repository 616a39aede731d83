package dev.bbm.db;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * SQL identifiers taken from requests: only plain ones are accepted, and they are always quoted
 * when put into SQL, so reserved words and mixed case name exactly what the catalog holds.
 */
public final class Identifiers {

    /** PostgreSQL truncates identifiers beyond 63 bytes; a longer name could alias another. */
    public static final int MAX_LENGTH = 63;

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Identifiers() {}

    public static boolean isPlain(String identifier) {
        return identifier != null && PLAIN.matcher(identifier).matches();
    }

    /** {@code schema.table} or {@code table}, each part plain. */
    public static boolean isPlainTableName(String name) {
        if (name == null) {
            return false;
        }
        String[] parts = name.split("\\.", -1);
        return parts.length <= 2 && Arrays.stream(parts).allMatch(Identifiers::isPlain);
    }

    /**
     * A stored {@code table_name} ({@code table} or {@code schema.table}) as SQL text that
     * {@code to_regclass} resolves to exactly that table: each part quoted, so {@code Events}
     * stays {@code Events} instead of folding to {@code events}.
     */
    public static String quoteTableName(String tableName) {
        int dot = tableName.indexOf('.');
        return dot < 0
                ? quote(tableName)
                : quote(tableName.substring(0, dot)) + "." + quote(tableName.substring(dot + 1));
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
