package dev.bbm.engine;

import dev.bbm.db.Identifiers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Optional;

/**
 * GitLab's {@code PrimaryKeyBatchingStrategy}: a batch is the next {@code size} existing keys in
 * index order from a start key (a keyset walk, so gaps cost nothing), clamped to a last key.
 * Sub-batches are cut the same way inside a batch.
 */
public final class PrimaryKeyBatchingStrategy {

    private PrimaryKeyBatchingStrategy() {
    }

    /**
     * The range of the next {@code size} keys in {@code [from, last]}, empty when there is none.
     *
     * @param table a quoted, qualified table name
     */
    public static Uni<Optional<BatchRange>> next(SqlClient client, String table, String column, long from, long last,
                                                 int size) {
        String key = Identifiers.quote(column);
        String sql = "SELECT min(k) AS lo, max(k) AS hi, count(*) AS n FROM (SELECT " + key + " AS k FROM " + table
                + " WHERE " + key + " >= $1 AND " + key + " <= $2 ORDER BY " + key + " LIMIT $3) keys";
        return client.preparedQuery(sql).execute(Tuple.of(from, last, size)).map(rows -> {
            Row row = rows.iterator().next();
            Long lo = row.getLong("lo");
            return lo == null ? Optional.empty()
                    : Optional.of(new BatchRange(lo, row.getLong("hi"), row.getLong("n").intValue()));
        });
    }
}
