package dev.bbm.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads the PostgreSQL catalog: which tables and columns exist, and how big a table is. */
@ApplicationScoped
public class CatalogRepository {

    private static final String TABLE_SQL = """
            SELECT n.nspname, c.relname, c.reltuples::bigint AS reltuples,
                   a.attname, format_type(a.atttypid, a.atttypmod) AS type
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
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
            String foundSchema = null;
            long estimate = -1;
            for (Row row : rows) {
                foundSchema = row.getString("nspname");
                estimate = row.getLong("reltuples");
                columns.put(row.getString("attname"), row.getString("type"));
            }
            return foundSchema == null ? Optional.<TableInfo>empty()
                    : Optional.of(new TableInfo(foundSchema, name, Map.copyOf(columns), estimate));
        });
    }

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
