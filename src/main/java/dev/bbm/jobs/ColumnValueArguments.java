package dev.bbm.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.db.Identifiers;
import dev.bbm.db.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code [[column, …], [value, …]]} shape shared by the built-in job classes: a list of
 * columns and a list of the same length, of columns ({@link #columnsToColumns}) or of constant
 * values ({@link #columnsToValues}).
 */
final class ColumnValueArguments {

    private ColumnValueArguments() {}

    /** What one of the two arrays holds: columns read, columns written, or constants. */
    record Part(String role, boolean columns, boolean written) {

        static final Part CONSTANTS = new Part("value", false, false);

        static Part read(String role) {
            return new Part(role, true, false);
        }

        static Part written(String role) {
            return new Part(role, true, true);
        }
    }

    /**
     * Every check of {@code [[…], […]]} arguments: the shape first, then each array as its part
     * says (columns exist and a written one is not the batching column; constants are scalars).
     *
     * @return one message per problem, empty when the arguments are fine
     */
    static List<String> validate(
            JsonNode arguments, TableInfo table, String batchColumn, String example, Part first, Part second) {
        List<String> problems = new ArrayList<>(checkShape(arguments, example));
        if (problems.isEmpty()) {
            problems.addAll(check(arguments.get(0), table, batchColumn, first));
            problems.addAll(check(arguments.get(1), table, batchColumn, second));
        }
        return problems;
    }

    private static List<String> check(JsonNode array, TableInfo table, String batchColumn, Part part) {
        return part.columns()
                ? checkColumns(array, table, batchColumn, part.role(), part.written())
                : checkValues(array);
    }

    /** Problems with the outer shape: two arrays of equal, non-zero length. */
    private static List<String> checkShape(JsonNode arguments, String example) {
        if (arguments == null
                || !arguments.isArray()
                || arguments.size() != 2
                || !arguments.get(0).isArray()
                || !arguments.get(1).isArray()) {
            return List.of("must be two arrays of equal length, for example " + example);
        }
        if (arguments.get(0).isEmpty()
                || arguments.get(0).size() != arguments.get(1).size()) {
            return List.of("must be two non-empty arrays of equal length, for example " + example);
        }
        return List.of();
    }

    /** Problems with an array of columns: each must exist, and a changed one must not be the batching column. */
    private static List<String> checkColumns(
            JsonNode columns, TableInfo table, String batchColumn, String role, boolean changesColumn) {
        List<String> problems = new ArrayList<>();
        for (JsonNode column : columns) {
            if (!column.isTextual() || !Identifiers.isPlain(column.asText())) {
                problems.add(role + " " + column + " is not a plain SQL identifier");
            } else if (table.columnType(column.asText()).isEmpty()) {
                problems.add(role + " '" + column.asText() + "' does not exist in table '" + table.name() + "'");
            } else if (changesColumn && column.asText().equals(batchColumn)) {
                problems.add(role + " '" + column.asText() + "' is the batching column and cannot be changed");
            }
        }
        return problems;
    }

    /** Problems with the second array when it holds constants: scalars, never null. */
    private static List<String> checkValues(JsonNode values) {
        List<String> problems = new ArrayList<>();
        for (JsonNode value : values) {
            if (!value.isValueNode() || value.isNull()) {
                problems.add("value " + value + " must be a string, number or boolean");
            }
        }
        return problems;
    }

    /** The column of the first array and the constant of the second, pair by pair. */
    static List<BatchedMigrationJob.ColumnValue> pairs(JsonNode arguments) {
        List<BatchedMigrationJob.ColumnValue> pairs = new ArrayList<>();
        for (int i = 0; i < arguments.get(0).size(); i++) {
            pairs.add(new BatchedMigrationJob.ColumnValue(
                    arguments.get(0).get(i).asText(), arguments.get(1).get(i).asText()));
        }
        return pairs;
    }

    /**
     * A bound constant as SQL, cast to the column's type without length or precision: compared or
     * assigned, it is never cut or rounded to fit (the queue refuses values that do not fit).
     */
    static String constant(int index, TableInfo table, String column) {
        return BatchedMigrationJob.SubBatchStatement.constant(
                index, table.baseType(column).orElseThrow());
    }

    static List<String> columns(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.asText()));
        return names;
    }
}
