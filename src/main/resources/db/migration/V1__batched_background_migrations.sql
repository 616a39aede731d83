-- GitLab's bookkeeping tables for batched background migrations, with GitLab's table and column
-- names, so that the queries of GitLab's documentation run unchanged against them.
-- Differences from GitLab, each for a reason:
--   * created_at/updated_at and the sizes have defaults, so an application can queue a migration
--     with a short plain INSERT from its own schema migrations;
--   * status defaults to active (1), so such a row is picked up without a second statement;
--   * priority orders the queue (lower runs first), gitlab_schema is optional;
--   * columns marked "bbm:" are bbm's own.

CREATE TABLE batched_background_migrations (
    id                       bigserial PRIMARY KEY,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    min_value                bigint      NOT NULL DEFAULT 1,
    max_value                bigint      NOT NULL,
    batch_size               integer     NOT NULL DEFAULT 1000,
    sub_batch_size           integer     NOT NULL DEFAULT 100,
    "interval"               smallint    NOT NULL DEFAULT 120,
    status                   smallint    NOT NULL DEFAULT 1,
    job_class_name           text        NOT NULL,
    batch_class_name         text        NOT NULL DEFAULT 'PrimaryKeyBatchingStrategy',
    table_name               text        NOT NULL,
    column_name              text        NOT NULL,
    job_arguments            jsonb       NOT NULL DEFAULT '[]',
    total_tuple_count        bigint,
    pause_ms                 integer     NOT NULL DEFAULT 100,
    max_batch_size           integer,
    started_at               timestamptz,
    on_hold_until            timestamptz,
    gitlab_schema            text,
    finished_at              timestamptz,
    queued_migration_version text,
    min_cursor               jsonb,
    max_cursor               jsonb,
    priority                 smallint    NOT NULL DEFAULT 0,
    -- bbm: which database-health indicator set on_hold_until, and what it saw.
    on_hold_indicator        text,
    on_hold_reason           text,
    -- bbm: whether the batch-size optimizer may change batch_size.
    optimize                 boolean     NOT NULL DEFAULT true,
    -- bbm: a finalize with force=true runs through the database-health holds.
    finalize_ignoring_health boolean     NOT NULL DEFAULT false,
    CONSTRAINT check_batch_size_in_range CHECK (batch_size >= sub_batch_size),
    CONSTRAINT check_max_value_in_range CHECK (max_value >= min_value),
    CONSTRAINT check_positive_min_value CHECK (min_value > 0),
    CONSTRAINT check_positive_sub_batch_size CHECK (sub_batch_size > 0),
    CONSTRAINT check_status_known CHECK (status IN (0, 1, 3, 4, 5, 6)),
    CONSTRAINT check_interval_not_negative CHECK ("interval" >= 0),
    CONSTRAINT check_pause_ms_not_negative CHECK (pause_ms >= 0),
    CONSTRAINT check_gitlab_schema_length CHECK (char_length(gitlab_schema) <= 255),
    CONSTRAINT check_queued_migration_version_length CHECK (char_length(queued_migration_version) <= 14)
);

CREATE UNIQUE INDEX index_batched_background_migrations_on_unique_configuration
    ON batched_background_migrations (job_class_name, table_name, column_name, job_arguments);
CREATE INDEX index_batched_migrations_on_status_priority_id
    ON batched_background_migrations (status, priority, id);

CREATE TABLE batched_background_migration_jobs (
    id                              bigserial PRIMARY KEY,
    created_at                      timestamptz NOT NULL DEFAULT now(),
    updated_at                      timestamptz NOT NULL DEFAULT now(),
    started_at                      timestamptz,
    finished_at                     timestamptz,
    batched_background_migration_id bigint      NOT NULL
        REFERENCES batched_background_migrations (id) ON DELETE CASCADE,
    min_value                       bigint,
    max_value                       bigint,
    batch_size                      integer     NOT NULL,
    sub_batch_size                  integer     NOT NULL,
    pause_ms                        integer     NOT NULL DEFAULT 100,
    status                          smallint    NOT NULL DEFAULT 0,
    attempts                        smallint    NOT NULL DEFAULT 0,
    metrics                         jsonb       NOT NULL DEFAULT '{}',
    min_cursor                      jsonb,
    max_cursor                      jsonb,
    -- bbm: the last key of the batch whose sub-batch has committed; it commits in the same
    -- transaction as the sub-batch's change, so a retry resumes after it and repeats nothing.
    processed_until                 bigint,
    CONSTRAINT check_job_status_known CHECK (status IN (0, 1, 2, 3))
);

-- "the last job of a migration" (next batch bounds, interval) and "the jobs of a migration".
CREATE INDEX index_batched_jobs_by_batched_migration_id_and_id
    ON batched_background_migration_jobs (batched_background_migration_id, id);
-- "the job reaching furthest" (where the next batch starts).
CREATE INDEX index_batched_jobs_on_batched_migration_id_and_max_value
    ON batched_background_migration_jobs (batched_background_migration_id, max_value);
-- "the jobs of a migration by status" (retries, failed-ratio rule, job counts); batch_size is
-- included so that the API's counts and progress are index-only scans.
CREATE INDEX index_batched_jobs_on_batched_migration_id_and_status
    ON batched_background_migration_jobs (batched_background_migration_id, status) INCLUDE (batch_size);

CREATE TABLE batched_background_migration_job_transition_logs (
    id                                 bigserial PRIMARY KEY,
    batched_background_migration_job_id bigint NOT NULL
        REFERENCES batched_background_migration_jobs (id) ON DELETE CASCADE,
    created_at                         timestamptz NOT NULL DEFAULT now(),
    updated_at                         timestamptz NOT NULL DEFAULT now(),
    previous_status                    smallint    NOT NULL,
    next_status                        smallint    NOT NULL,
    exception_class                    text,
    exception_message                  text,
    CONSTRAINT check_exception_class_length CHECK (char_length(exception_class) <= 100),
    CONSTRAINT check_exception_message_length CHECK (char_length(exception_message) <= 1000)
);

CREATE INDEX index_batched_job_transition_logs_on_job_id
    ON batched_background_migration_job_transition_logs (batched_background_migration_job_id, id);

-- The jobs the stuck-jobs backstop looks at: pending or running, oldest update first.
CREATE INDEX index_batched_jobs_on_status_and_updated_at
    ON batched_background_migration_jobs (status, updated_at) WHERE status IN (0, 1);

-- Settings every replica reads at each tick (GitLab keeps them in application_settings; bbm's
-- own table avoids touching an application's table of that name).
CREATE TABLE bbm_application_settings (
    id                                                 smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    database_max_running_batched_background_migrations integer  NOT NULL DEFAULT 2
        CHECK (database_max_running_batched_background_migrations BETWEEN 0 AND 100),
    execute_batched_migrations_on_schedule             boolean  NOT NULL DEFAULT true,
    updated_at                                         timestamptz NOT NULL DEFAULT now()
);
INSERT INTO bbm_application_settings DEFAULT VALUES;

-- GitLab's older, non-batched queue.
CREATE TABLE background_migration_jobs (
    id         bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    status     smallint    NOT NULL DEFAULT 0,
    class_name text        NOT NULL,
    arguments  jsonb       NOT NULL
);

CREATE INDEX index_background_migration_jobs_on_class_name_and_status_and_id
    ON background_migration_jobs (class_name, status, id);
