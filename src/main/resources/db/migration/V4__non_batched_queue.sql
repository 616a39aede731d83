-- GitLab's older, non-batched background migrations: a row of background_migration_jobs is one
-- unit of work (class_name, arguments; status 0 pending, 1 succeeded). bbm runs the pending ones;
-- these columns keep what a failure said and when the row may be tried again. GitLab's columns and
-- their meaning stay as they are: BackgroundMigrationJob.pending is still WHERE status = 0.
ALTER TABLE background_migration_jobs
    ADD COLUMN attempts    smallint    NOT NULL DEFAULT 0,
    ADD COLUMN last_error  text,
    ADD COLUMN retry_after timestamptz;

-- The background runner's look for due work across every class.
CREATE INDEX index_background_migration_jobs_pending
    ON background_migration_jobs (id) WHERE status = 0;
