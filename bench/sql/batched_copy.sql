-- The hand-written baseline (b): what a careful engineer writes without bbm. The same keyset walk
-- as bbm's PrimaryKeyBatchingStrategy — a batch is the next :batch existing keys, cut into
-- sub-batches of the next :sub_batch keys — and a COMMIT after each sub-batch, as bbm does.
CREATE OR REPLACE PROCEDURE bench_batched_copy(tbl regclass, source text, target text,
                                               batch int, sub_batch int)
LANGUAGE plpgsql AS $$
DECLARE
    lo bigint;
    hi bigint;
    sub_lo bigint;
    sub_hi bigint;
BEGIN
    EXECUTE format('SELECT min(id) FROM %s', tbl) INTO lo;
    WHILE lo IS NOT NULL LOOP
        EXECUTE format('SELECT max(id) FROM (SELECT id FROM %s WHERE id >= $1 ORDER BY id LIMIT $2) k', tbl)
            INTO hi USING lo, batch;
        EXIT WHEN hi IS NULL;
        sub_lo := lo;
        WHILE sub_lo <= hi LOOP
            EXECUTE format('SELECT max(id) FROM (SELECT id FROM %s WHERE id >= $1 AND id <= $2 ORDER BY id LIMIT $3) k', tbl)
                INTO sub_hi USING sub_lo, hi, sub_batch;
            EXIT WHEN sub_hi IS NULL;
            EXECUTE format('UPDATE %s SET %I = %I WHERE id BETWEEN $1 AND $2', tbl, target, source)
                USING sub_lo, sub_hi;
            COMMIT;
            sub_lo := sub_hi + 1;
        END LOOP;
        lo := hi + 1;
    END LOOP;
END
$$;
