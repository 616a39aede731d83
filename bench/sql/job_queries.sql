-- The queries bbm runs on its job table: the constants of dev.bbm.db.JobRepository and
-- MigrationRepository each "-- name:" line ends with, with the parameters bound to literals as
-- its "-- params:" line says (bbm's reactive client sends unnamed statements, which PostgreSQL
-- plans with the values). psql -v mid=… ; one query per block, run by section 3.
-- db/BenchQueriesTest fails when a block no longer starts with its constant: copy it again.
-- name: furthest job (next batch start), JobRepository.FURTHEST
-- params: $1=:mid
SELECT id, batched_background_migration_id, min_value, max_value, batch_size, sub_batch_size, pause_ms,
       status, attempts, processed_until, created_at, updated_at, started_at, finished_at
FROM batched_background_migration_jobs
WHERE batched_background_migration_id = :mid ORDER BY max_value DESC LIMIT 1;
-- name: next retriable job, JobRepository.NEXT_RETRIABLE
-- params: $1=:mid $2=3
SELECT id, batched_background_migration_id, min_value, max_value, batch_size, sub_batch_size, pause_ms,
       status, attempts, processed_until, created_at, updated_at, started_at, finished_at
FROM batched_background_migration_jobs
WHERE batched_background_migration_id = :mid AND (status IN (0, 1) OR (status = 2 AND attempts < 3))
ORDER BY status = 2, id LIMIT 1;
-- name: stop-rule tally after each job, JobRepository.TALLY
-- params: $1=:mid $2=3
SELECT count(*) FILTER (WHERE j.created_at >= m.started_at) AS since_start,
       count(*) FILTER (WHERE j.created_at >= m.started_at AND j.status = 2) AS failed_since_start,
       count(*) FILTER (WHERE j.status IN (0, 1) OR (j.status = 2 AND j.attempts < 3)) AS unfinished,
       count(*) FILTER (WHERE j.status = 2 AND j.attempts >= 3) AS exhausted
FROM batched_background_migrations m
JOIN batched_background_migration_jobs j ON j.batched_background_migration_id = m.id
WHERE m.id = :mid;
-- name: one migration with job counts (GET …/{id}), MigrationRepository.SELECT
-- params:
SELECT m.*, m.job_arguments::text AS job_arguments_text,
       j.pending, j.running, j.failed, j.succeeded, j.succeeded_tuples, r.recent_seconds,
       p.budget_percent AS pace_budget_percent, p.pause_ms AS pace_pause_ms, p.slowdown AS pace_slowdown,
       p.probe_ms AS pace_probe_ms, p.baseline_ms AS pace_baseline_ms, p.reason AS pace_reason,
       p.updated_at AS pace_updated_at
FROM batched_background_migrations m
LEFT JOIN bbm_migration_pace p ON p.batched_background_migration_id = m.id
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE status = 0) AS pending,
           count(*) FILTER (WHERE status = 1) AS running,
           count(*) FILTER (WHERE status = 2) AS failed,
           count(*) FILTER (WHERE status = 3) AS succeeded,
           coalesce(sum(batch_size) FILTER (WHERE status = 3), 0) AS succeeded_tuples
    FROM batched_background_migration_jobs
    WHERE batched_background_migration_id = m.id) j ON true
LEFT JOIN LATERAL (
    SELECT avg(extract(epoch FROM finished_at - started_at))::float8 AS recent_seconds
    FROM (SELECT started_at, finished_at FROM batched_background_migration_jobs
          WHERE batched_background_migration_id = m.id AND status = 3
          ORDER BY id DESC LIMIT 10) recent) r ON true
WHERE m.id = :mid;
-- name: list page, newest 20 with job counts (GET …), MigrationRepository.SELECT
-- params:
SELECT m.*, m.job_arguments::text AS job_arguments_text,
       j.pending, j.running, j.failed, j.succeeded, j.succeeded_tuples, r.recent_seconds,
       p.budget_percent AS pace_budget_percent, p.pause_ms AS pace_pause_ms, p.slowdown AS pace_slowdown,
       p.probe_ms AS pace_probe_ms, p.baseline_ms AS pace_baseline_ms, p.reason AS pace_reason,
       p.updated_at AS pace_updated_at
FROM batched_background_migrations m
LEFT JOIN bbm_migration_pace p ON p.batched_background_migration_id = m.id
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE status = 0) AS pending,
           count(*) FILTER (WHERE status = 1) AS running,
           count(*) FILTER (WHERE status = 2) AS failed,
           count(*) FILTER (WHERE status = 3) AS succeeded,
           coalesce(sum(batch_size) FILTER (WHERE status = 3), 0) AS succeeded_tuples
    FROM batched_background_migration_jobs
    WHERE batched_background_migration_id = m.id) j ON true
LEFT JOIN LATERAL (
    SELECT avg(extract(epoch FROM finished_at - started_at))::float8 AS recent_seconds
    FROM (SELECT started_at, finished_at FROM batched_background_migration_jobs
          WHERE batched_background_migration_id = m.id AND status = 3
          ORDER BY id DESC LIMIT 10) recent) r ON true
ORDER BY m.id DESC LIMIT 20 OFFSET 0;
-- name: jobs page count (GET …/{id}/jobs), JobRepository.PAGE_COUNT
-- params: $1=:mid $2=NULL
SELECT count(*) FROM batched_background_migration_jobs
WHERE batched_background_migration_id = :mid AND (NULL::int IS NULL OR status = NULL);
-- name: jobs page rows, first page (GET …/{id}/jobs), JobRepository.PAGE_ROWS
-- params: $1=:mid $2=NULL $3=20 $4=0
SELECT id, batched_background_migration_id, min_value, max_value, batch_size, sub_batch_size, pause_ms,
       status, attempts, processed_until, created_at, updated_at, started_at, finished_at, metrics::text AS metrics_json
FROM batched_background_migration_jobs
WHERE batched_background_migration_id = :mid AND (NULL::int IS NULL OR status = NULL)
ORDER BY batched_background_migration_id, id LIMIT 20 OFFSET 0;
-- name: executable migrations at each tick and step, MigrationRepository.EXECUTABLE
-- params:
SELECT m.id, m.table_name, m.status
FROM batched_background_migrations m
LEFT JOIN LATERAL (
    SELECT created_at FROM batched_background_migration_jobs
    WHERE batched_background_migration_id = m.id ORDER BY id DESC LIMIT 1) last ON true
WHERE m.status IN (1, 5)
  AND ((m.status = 5 AND (m.on_hold_until IS NULL OR m.on_hold_until <= now() OR m.finalize_ignoring_health))
       OR (m.status = 1
           AND (m.on_hold_until IS NULL OR m.on_hold_until <= now())
           AND (last.created_at IS NULL OR last.created_at <= now() - make_interval(secs => m."interval"))))
ORDER BY m.priority, m.id;
