package dev.bbm.engine;

import dev.bbm.db.Identifiers;
import dev.bbm.db.KeysetSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GitLab's {@code PrimaryKeyBatchingStrategy}: a batch is the next {@code size} existing keys in
 * index order from a start key (a keyset walk, so gaps cost nothing), clamped to a last key.
 * Sub-batches are cut the same way inside a batch.
 */
public final class PrimaryKeyBatchingStrategy {

    private PrimaryKeyBatchingStrategy() {}

    /**
     * The range of the next {@code size} keys in {@code [from, last]}, empty when there is none.
     *
     * @param table a quoted, qualified table name
     */
    public static Uni<Optional<BatchRange>> next(
            SqlClient client, String table, String column, long from, long last, int size) {
        String key = Identifiers.quote(column);
        String sql = "SELECT min(k) AS lo, max(k) AS hi, count(*) AS n FROM (SELECT " + key + " AS k FROM " + table
                + " WHERE " + key + " >= $1 AND " + key + " <= $2 ORDER BY " + key + " LIMIT $3) keys";
        return client.preparedQuery(sql).execute(Tuple.of(from, last, size)).map(rows -> {
            Row row = rows.iterator().next();
            Long lo = row.getLong("lo");
            return lo == null
                    ? Optional.empty()
                    : Optional.of(new BatchRange(
                            lo, row.getLong("hi"), row.getLong("n").intValue()));
        });
    }

    /**
     * Cuts {@code [from, last]} into sub-batches of {@code size} existing keys with one query
     * ({@link KeysetSql#hops}): the inclusive end of each, in order. The last one ends at {@code last} itself, so the
     * sub-batches cover the range exactly, keys added meanwhile included; a range without keys is
     * one sub-batch.
     *
     * @param table a quoted, qualified table name
     */
    public static Uni<List<Long>> subBatchEnds(
            SqlClient client, String table, String column, long from, long last, int size) {
        String sql =
                "WITH RECURSIVE " + KeysetSql.hops(table, column, "$1", "$2", String.valueOf(Integer.MAX_VALUE), "$3")
                        + " SELECT hi AS k FROM hops WHERE total > 0 ORDER BY total";
        return client.preparedQuery(sql).execute(Tuple.of(from, last, size)).map(rows -> {
            List<Long> cuts = new ArrayList<>(rows.size());
            rows.forEach(row -> cuts.add(row.getLong("k")));
            return reaching(cuts, last);
        });
    }

    /**
     * The sub-batch ends from the keys a query cut at (every {@code size}-th key and the last
     * one, in order): the last end becomes {@code last}, so that the sub-batches reach to the end
     * of their range; without keys, one sub-batch covers it all.
     */
    public static List<Long> reaching(List<Long> cuts, long last) {
        List<Long> ends = new ArrayList<>(cuts);
        if (ends.isEmpty()) {
            ends.add(last);
        } else {
            ends.set(ends.size() - 1, last);
        }
        return ends;
    }
}
