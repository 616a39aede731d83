package dev.bbm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration named the way GitLab's runbook names it: the four arguments of
 * {@code gitlab:background_migrations:finalize[job_class_name,table_name,column_name,job_arguments]},
 * and the database when the task names one ({@code finalize:ci[…]}). An operator pastes what the
 * runbook or a failed upgrade printed, so this reads Rake's argument syntax as Rake does (commas
 * separate, a backslash escapes the next character, blanks around a field are dropped) and forgives
 * what the shell may have left: the quotes around a field, and {@code sudo gitlab-rake} in front.
 */
record RakeArguments(String jobClassName, String tableName, String columnName, JsonNode jobArguments, String database) {

    /** An example for error messages: the runbook's own. */
    static final String EXAMPLE =
            "CopyColumnUsingBackgroundMigrationJob,events,id,'[[\"id\"]\\, [\"id_convert_to_bigint\"]]'";

    /** The whole rake form, optionally after {@code sudo gitlab-rake}; group 1 the database, 2 the arguments. */
    private static final Pattern TASK = Pattern.compile(
            "\\s*(?:sudo\\s+)?(?:\\S*gitlab-rake\\s+)?gitlab:background_migrations:finalize(?::([a-z][a-z0-9_]*))?\\[(.*)]\\s*",
            Pattern.DOTALL);

    private static final List<String> FIELDS = List.of("job_class_name", "table_name", "column_name", "job_arguments");

    /**
     * Reads {@code Job,table,column,json} or the whole {@code gitlab:background_migrations:finalize[…]}.
     *
     * @throws IllegalArgumentException saying which field is missing or malformed
     */
    static RakeArguments parse(String text) {
        String database = null;
        String arguments = text;
        Matcher task = TASK.matcher(text);
        if (task.matches()) {
            database = task.group(1);
            arguments = task.group(2);
        }
        List<String> fields = split(arguments);
        if (fields.size() > FIELDS.size()) {
            // job_arguments is the last field and JSON: its commas need no escape to be understood.
            List<String> head = new ArrayList<>(fields.subList(0, FIELDS.size() - 1));
            head.add(String.join(",", fields.subList(FIELDS.size() - 1, fields.size())));
            fields = head;
        }
        fields = fields.stream().map(RakeArguments::unquote).toList();
        for (int i = 0; i < FIELDS.size(); i++) {
            if (i >= fields.size() || fields.get(i).isEmpty()) {
                throw new IllegalArgumentException("missing " + FIELDS.get(i)
                        + " in the rake arguments: expected JOB_CLASS,TABLE,COLUMN,JOB_ARGUMENTS, e.g. " + EXAMPLE);
            }
        }
        return new RakeArguments(fields.get(0), fields.get(1), fields.get(2), jobArguments(fields.get(3)), database);
    }

    /** A configuration given by flags instead: {@code --job-arguments} is JSON, {@code []} when absent. */
    static RakeArguments of(String jobClassName, String tableName, String columnName, String jobArguments) {
        return new RakeArguments(
                jobClassName, tableName, columnName, jobArguments(jobArguments == null ? "[]" : jobArguments), null);
    }

    /** This configuration in Rake's syntax, so that {@code parse} reads it back unchanged. */
    String toRakeArgument() {
        return String.join(
                ",", escape(jobClassName), escape(tableName), escape(columnName), escape(jobArguments.toString()));
    }

    /** GitLab's name for a migration on its admin page: {@code Job: table.column}. */
    String label() {
        return jobClassName + ": " + tableName + "." + columnName;
    }

    /** The body GitLab's finalize and ensure_finished endpoints take. */
    ObjectNode toJson() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("job_class_name", jobClassName);
        body.put("table_name", tableName);
        body.put("column_name", columnName);
        body.set("job_arguments", jobArguments);
        return body;
    }

    /** Rake's split: a comma ends a field unless a backslash escapes it; a backslash keeps the next character. */
    private static List<String> split(String arguments) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < arguments.length(); i++) {
            char c = arguments.charAt(i);
            if (c == '\\' && i + 1 < arguments.length()) {
                field.append(arguments.charAt(++i));
            } else if (c == ',') {
                fields.add(field.toString().strip());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString().strip());
        return fields;
    }

    /** The quotes a shell would have removed, when the text did not pass through one. */
    private static String unquote(String field) {
        if (field.length() >= 2
                && (field.charAt(0) == '\'' || field.charAt(0) == '"')
                && field.charAt(field.length() - 1) == field.charAt(0)) {
            return field.substring(1, field.length() - 1).strip();
        }
        return field;
    }

    private static String escape(String field) {
        return field.replace("\\", "\\\\").replace(",", "\\,");
    }

    private static JsonNode jobArguments(String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "job_arguments is not JSON: " + json + " (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(
                    "job_arguments must be a JSON array, e.g. [[\"id\"], [\"id_convert_to_bigint\"]]");
        }
        return node;
    }
}
