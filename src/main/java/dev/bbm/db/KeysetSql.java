package dev.bbm.db;

/**
 * The keyset walk that cuts a range of keys into sub-batches, as SQL to embed in a statement.
 *
 * <p>A recursive query hops from one sub-batch to the next: each hop reads the next
 * {@code sub_batch_size} keys in index order after the previous hop's last key, so the walk reads
 * each key of the batch once and no more (a window function over the same keys costs several
 * times as much).
 */
public final class KeysetSql {

    private KeysetSql() {}

    /**
     * {@code WITH RECURSIVE} list entry {@code hops(hi, keys, total)}: one row per sub-batch with its
     * last key, its number of keys and the keys up to it, after a seed row whose {@code total} is
     * 0. It stops at {@code last}, at {@code batch} keys, or when the keys run out.
     *
     * @param table  a quoted, qualified table name
     * @param column the key column, unquoted
     * @param from   the SQL for the first key of the range (a parameter such as {@code $2})
     * @param last   the SQL for the last key of the range
     * @param batch  the SQL for the most keys to take
     * @param sub    the SQL for the keys of one sub-batch
     */
    public static String hops(String table, String column, String from, String last, String batch, String sub) {
        String key = Identifiers.quote(column);
        return """
                hops (hi, keys, total) AS (
                    SELECT NULL::bigint, %5$s::int, 0
                  UNION ALL
                    SELECT hop.hi, hop.keys, hops.total + hop.keys
                    FROM hops, LATERAL (
                        SELECT max(k) AS hi, count(*)::int AS keys FROM (
                            SELECT %1$s AS k FROM %2$s
                            WHERE %1$s >= CASE WHEN hops.total = 0 THEN %3$s::bigint ELSE hops.hi + 1 END AND %1$s <= %4$s::bigint
                            ORDER BY %1$s LIMIT least(%5$s::int, %6$s::int - hops.total)) next_keys) hop
                    WHERE hops.keys = %5$s::int AND hops.total < %6$s::int AND (hops.total = 0 OR hops.hi < %4$s::bigint)
                      AND hop.keys > 0
                )""".formatted(key, table, from, last, sub, batch);
    }

    /**
     * The statement that cuts the next batch: from the key {@code $1} to at most {@code $2}, at
     * most {@code $3} keys in sub-batches of {@code $4}; it returns the keys found, the highest of
     * them and the last key of each sub-batch, in order (what {@code bbm_run_batches} reads).
     *
     * @param table  a quoted, qualified table name
     * @param column the key column, unquoted
     */
    public static String cuts(String table, String column) {
        return "WITH RECURSIVE " + hops(table, column, "$1", "$2", "$3", "$4") + """

                SELECT max(total)::int AS keys, (SELECT hi FROM hops ORDER BY total DESC LIMIT 1) AS highest,
                       ARRAY(SELECT hi FROM hops WHERE total > 0 ORDER BY total) AS cuts
                FROM hops""";
    }
}
