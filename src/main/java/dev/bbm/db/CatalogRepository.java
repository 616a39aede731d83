package dev.bbm.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads the PostgreSQL catalog: which tables and columns exist, and how big a table is. */
@ApplicationScoped
public class CatalogRepository {

    private static final String TABLE_SQL = """
            SELECT n.nspname, c.relname, c.reltuples::bigint AS reltuples,
                   to_regclass(quote_ident(c.relname)) IS NOT DISTINCT FROM c.oid AS in_search_path,
                   a.attname, format_type(a.atttypid, a.atttypmod) AS type,
                   quote_ident(bn.nspname) || '.' || quote_ident(b.typname) AS base_type
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            -- A domain's base type; by its internal name, which takes no SQL-standard default
            -- length ("character" alone would mean char(1), "pg_catalog.bpchar" has none).
            JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            JOIN pg_namespace bn ON bn.oid = b.typnamespace
            WHERE c.relname = $1
              AND n.nspname = coalesce($2, current_schema())
              AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum
            """;

    /** The table named {@code table} ({@code schema.table} or a table in the current schema). */
    public Uni<Optional<TableInfo>> findTable(SqlClient client, String table) {
        int dot = table.indexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        return client.preparedQuery(TABLE_SQL).execute(Tuple.of(name, schema)).map(rows -> {
            Map<String, String> columns = new LinkedHashMap<>();
            Map<String, String> baseTypes = new LinkedHashMap<>();
            String foundSchema = null;
            long estimate = -1;
            boolean inSearchPath = false;
            for (Row row : rows) {
                foundSchema = row.getString("nspname");
                estimate = row.getLong("reltuples");
                inSearchPath = row.getBoolean("in_search_path");
                columns.put(row.getString("attname"), row.getString("type"));
                baseTypes.put(row.getString("attname"), row.getString("base_type"));
            }
            return foundSchema == null
                    ? Optional.<TableInfo>empty()
                    : Optional.of(new TableInfo(
                            foundSchema, name, Map.copyOf(columns), Map.copyOf(baseTypes), estimate, inSearchPath));
        });
    }

    /**
     * What {@code value} becomes in {@code column}: empty when the column holds it exactly, else
     * the text of what would be stored (a {@code varchar(8)} cuts {@code archived_old} to
     * {@code archived}, a {@code numeric(5,2)} rounds {@code 1.239} to {@code 1.24}). The value is
     * compared, cast to the column's type, with itself cast to the type without length or
     * precision; types without an equality operator ({@code json}) are compared as text. A value
     * the type refuses fails with PostgreSQL's error.
     */
    public Uni<Optional<String>> storedAs(SqlClient client, TableInfo table, String column, String value) {
        String type = table.columnType(column).orElseThrow();
        String base = table.baseType(column).orElseThrow();
        String stored = "$1::text::" + type;
        String exact = "$1::text::" + base;
        String byValue = "SELECT (" + stored + " = " + exact + ") AS exact, (" + stored + ")::text AS stored";
        String byText =
                "SELECT ((" + stored + ")::text = (" + exact + ")::text) AS exact, (" + stored + ")::text AS stored";
        return client.preparedQuery(byValue)
                .execute(Tuple.of(value))
                .onFailure(e -> e instanceof PgException pg && UNDEFINED_FUNCTION.equals(pg.getSqlState()))
                .recoverWithUni(() -> client.preparedQuery(byText).execute(Tuple.of(value)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return Boolean.TRUE.equals(row.getBoolean("exact"))
                            ? Optional.<String>empty()
                            : Optional.ofNullable(row.getString("stored"));
                });
    }

    /** SQLSTATE of a missing operator: the type has no {@code =}. */
    private static final String UNDEFINED_FUNCTION = "42883";

    /** {@code min} and {@code max} of an integer column, both null on an empty table. */
    public Uni<long[]> keyRange(SqlClient client, TableInfo table, String column) {
        String quoted = Identifiers.quote(column);
        String sql = "SELECT min(" + quoted + ") AS lo, max(" + quoted + ") AS hi FROM " + table.qualifiedName();
        return client.query(sql).execute().map(rows -> {
            Row row = rows.iterator().next();
            Long lo = row.getLong("lo");
            Long hi = row.getLong("hi");
            return lo == null ? null : new long[] {lo, hi};
        });
    }
}
