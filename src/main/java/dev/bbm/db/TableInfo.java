package dev.bbm.db;

import java.util.Map;
import java.util.Optional;

/**
 * What the catalog says about a table a migration names.
 *
 * @param schema       the table's schema
 * @param name         the table's name
 * @param columns      column name to its SQL type as {@code format_type} writes it
 * @param estimatedRows the planner's row estimate ({@code pg_class.reltuples}), -1 when never analysed
 */
public record TableInfo(String schema, String name, Map<String, String> columns, long estimatedRows) {

    public Optional<String> columnType(String column) {
        return Optional.ofNullable(columns.get(column));
    }

    public boolean isIntegerColumn(String column) {
        return columnType(column).map(t -> t.equals("integer") || t.equals("bigint") || t.equals("smallint"))
                .orElse(false);
    }

    /** The table, schema-qualified and quoted, ready to put in SQL. */
    public String qualifiedName() {
        return Identifiers.quote(schema) + "." + Identifiers.quote(name);
    }
}
