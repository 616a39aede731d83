package dev.bbm.migration;

import com.fasterxml.jackson.databind.JsonNode;

/** What makes a migration unique: GitLab finds a migration by these four, and so does bbm. */
public record MigrationConfiguration(String jobClassName, String tableName, String columnName, JsonNode jobArguments) {

    /** PostgreSQL's text and jsonb cannot hold the NUL character: a name or argument with one names nothing. */
    public boolean isStorable() {
        return !hasNul(jobClassName) && !hasNul(tableName) && !hasNul(columnName) && !hasNul(jobArguments);
    }

    public static boolean hasNul(String text) {
        return text != null && text.indexOf('\u0000') >= 0;
    }

    /** Whether any string (or object key) inside {@code node} holds the NUL character. */
    public static boolean hasNul(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            return hasNul(node.textValue());
        }
        var names = node.fieldNames();
        while (names.hasNext()) {
            if (hasNul(names.next())) {
                return true;
            }
        }
        for (JsonNode child : node) {
            if (hasNul(child)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "job_class_name: " + jobClassName + ", table_name: " + tableName + ", column_name: " + columnName
                + ", job_arguments: " + jobArguments;
    }
}
