-- A running job's row is updated after every sub-batch (its cursor and updated_at). With
-- updated_at in an index, none of those updates could be HOT: each wrote a new entry into every
-- index of the jobs table. The stuck-jobs backstop and the retry lookup only need the few pending
-- or running jobs; they find them by status and read updated_at from the row.
DROP INDEX index_batched_jobs_on_status_and_updated_at;
CREATE INDEX index_batched_jobs_pending_or_running
    ON batched_background_migration_jobs (status) WHERE status IN (0, 1);
