package dev.bbm.db;

import java.util.Map;
import java.util.Optional;

/**
 * What the catalog says about a table a migration names.
 *
 * @param schema        the table's schema
 * @param name          the table's name
 * @param columns       column name to its SQL type as {@code format_type} writes it, with its
 *                      length or precision ({@code character varying(8)}, {@code numeric(5,2)})
 * @param baseTypes     column name to the same type without length or precision, and a domain's
 *                      base type for a domain ({@code pg_catalog.varchar}, {@code pg_catalog.numeric}): a
 *                      value cast to it is never cut to fit
 * @param estimatedRows the planner's row estimate ({@code pg_class.reltuples}), -1 when never analysed
 * @param inSearchPath  whether the unqualified name finds this table ({@code to_regclass(name)})
 */
public record TableInfo(
        String schema,
        String name,
        Map<String, String> columns,
        Map<String, String> baseTypes,
        long estimatedRows,
        boolean inSearchPath) {

    public Optional<String> columnType(String column) {
        return Optional.ofNullable(columns.get(column));
    }

    /** The column's type without its length or precision, for casts that must not truncate or round. */
    public Optional<String> baseType(String column) {
        return Optional.ofNullable(baseTypes.get(column));
    }

    public boolean isIntegerColumn(String column) {
        return columnType(column)
                .map(t -> t.equals("integer") || t.equals("bigint") || t.equals("smallint"))
                .orElse(false);
    }

    /** The table, schema-qualified and quoted, ready to put in SQL. */
    public String qualifiedName() {
        return Identifiers.quote(schema) + "." + Identifiers.quote(name);
    }

    /**
     * The one spelling bbm stores for this table: the bare name when it finds the table (as GitLab
     * writes {@code table_name}), else {@code schema.name}. {@code t2} and {@code public.t2} are
     * one table, hence one configuration, one lock and one set of health checks.
     */
    public String canonicalName() {
        return inSearchPath ? name : schema + "." + name;
    }
}
