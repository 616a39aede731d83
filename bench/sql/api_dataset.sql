-- Finished migrations :first..:last (ids, after TRUNCATE … RESTART IDENTITY), each with :jobs
-- succeeded jobs of 10 sub-batches, as bbm leaves them — inserted directly, no work done.
-- psql -v first=… -v last=… -v jobs=…
WITH m AS (
    INSERT INTO batched_background_migrations
        (created_at, updated_at, min_value, max_value, batch_size, sub_batch_size, "interval", status,
         job_class_name, table_name, column_name, job_arguments, total_tuple_count, pause_ms, started_at, finished_at)
    SELECT now() - interval '1 day', now(), 1, :jobs::bigint * 10000, 10000, 1000, 0, 3,
           'CopyColumnUsingBackgroundMigrationJob', 'bench_api_' || g, 'id', '[["a"], ["b"]]',
           :jobs::bigint * 10000, 0, now() - interval '1 day', now()
    FROM generate_series(:first, :last) g
    ORDER BY g
    RETURNING id)
INSERT INTO batched_background_migration_jobs
    (created_at, updated_at, started_at, finished_at, batched_background_migration_id, min_value, max_value,
     batch_size, sub_batch_size, pause_ms, status, attempts, metrics, processed_until)
SELECT now() - interval '1 day' + k * interval '50 ms', now(), now() - interval '1 day' + k * interval '50 ms',
       now() - interval '1 day' + k * interval '50 ms' + interval '45 ms', m.id,
       (k - 1) * 10000 + 1, k * 10000, 10000, 1000, 0, 3, 1,
       '{"timings": {"sub_batch": [0.004, 0.004, 0.004, 0.004, 0.004, 0.004, 0.004, 0.004, 0.004, 0.004]},
         "affected_rows": {"sub_batch": [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]}}',
       k * 10000
FROM m, generate_series(1, :jobs::bigint) k
ORDER BY m.id, k;
ANALYZE batched_background_migrations, batched_background_migration_jobs;
