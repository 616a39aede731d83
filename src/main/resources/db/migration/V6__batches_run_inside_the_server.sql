-- The steady part of a migration runs inside the server: a worker calls this procedure on the
-- session that holds the migration's lease, and it creates, runs and records one batch after the
-- other with a COMMIT per sub-batch, with no round trip to bbm between them. It returns when its
-- budget (jobs or time) is spent, when the range ends, or when the migration stops running; bbm
-- then applies the rules that need it (database health, batch optimizer, stop rules, finish) and
-- calls it again. Anything that fails aborts the call: what committed stays, and bbm records the
-- failure on the job and retries it on its own path (engine.JobExecutor).
--
-- Each batch is what bbm's Java path does, statement for statement (db.JobRepository#startNext,
-- #advance, #succeed): the job is inserted running with its pending → running log, in the
-- transaction of its first sub-batch, under the migration's row lock and only while the migration
-- runs and no job reaches its first key yet; each sub-batch moves the job's cursor and makes its
-- change in one transaction; the last one also records the job's success, timings and log.
-- Between sub-batches it looks at the migration: paused, marked finished or failed meanwhile, the
-- job ends at its cursor (succeeded, its range cut there) and the rest of the range is left to
-- the batches that follow a resume. statement_timeout covers a whole CALL, so bbm enforces it per
-- sub-batch from outside (pg_stat_activity.xact_start, which every COMMIT here restarts);
-- lock_timeout is set for every transaction.
--
-- A sub-batch costs the server three statements: the one that moves the job's cursor (and reads,
-- in the same statement, whether the migration still runs and the pace the impact controller
-- set), the change, and the COMMIT.
--
-- Under an impact budget (V8, engine.ImpactGovernor) the pause the controller set replaces the
-- migration's pause_ms, and bbm's transactions do not wait for their WAL flush
-- (synchronous_commit off: a crash loses a sub-batch's change and its cursor together, so nothing
-- is skipped or done twice). Without a row in bbm_migration_pace, the migration's own pace holds.

-- The pace the impact controller sets for a running migration, and what it saw; the procedure reads the
-- pause before each sub-batch, the API shows the rest. Unlogged: it is rewritten five times a
-- second and means nothing after a crash.
CREATE UNLOGGED TABLE bbm_migration_pace (
    batched_background_migration_id bigint PRIMARY KEY
        REFERENCES batched_background_migrations (id) ON DELETE CASCADE,
    budget_percent   integer          NOT NULL,
    pause_ms         integer          NOT NULL CHECK (pause_ms >= 0),
    slowdown         double precision,
    probe_ms         double precision,
    baseline_ms      double precision,
    reason           text,
    updated_at       timestamptz      NOT NULL DEFAULT now()
);

CREATE PROCEDURE bbm_run_batches(
    p_migration         bigint,
    p_cut               text,    -- cuts a batch: $1 first key, $2 last key, $3 keys, $4 keys per sub-batch
                                 --   → (keys int, highest key bigint, every sub-batch's last key bigint[])
    p_change            text[],  -- a sub-batch's statements, in order: keys $1 to $2, constants text[] $3
    p_constants         text[],
    p_start             bigint,  -- the first key of the next batch
    p_last              bigint,  -- the migration's max_value
    p_batch_size        int,
    p_sub_batch_size    int,
    p_pause_ms          int,
    p_needs_switch      boolean, -- a scheduled migration stops when the schedule switch is off
    p_worker            text,
    p_lock_timeout      text,
    p_max_jobs          int,
    p_max_ms            int,
    INOUT jobs          int      DEFAULT 0,     -- batches that succeeded
    INOUT last_job      bigint   DEFAULT NULL,
    INOUT reached       bigint   DEFAULT NULL,  -- the last key those batches cover
    INOUT stopped       text     DEFAULT NULL,  -- budget | end | not running | switch off | taken
    INOUT sub_batch_seconds float8[] DEFAULT '{}',
    INOUT sub_batch_rows    int[]    DEFAULT '{}',
    INOUT job_seconds       float8[] DEFAULT '{}')
LANGUAGE plpgsql AS $$
DECLARE
    called  timestamptz := clock_timestamp();
    v_from  bigint := p_start;
    v_keys  int;
    v_high  bigint;
    v_cuts  bigint[];
    v_max   bigint;
    v_job   bigint;
    v_began timestamptz;
    v_t     timestamptz;
    v_prev  bigint;
    v_hi    bigint;
    v_n     int;
    v_one   int;
    v_sql   text;
    v_pace  int;
    v_running boolean;
    v_set   text;
    v_secs  float8[];
    v_rows  int[];
BEGIN
    LOOP
        PERFORM set_config('lock_timeout', p_lock_timeout, true);
        PERFORM 1 FROM batched_background_migrations WHERE id = p_migration AND status IN (1, 5) FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            stopped := 'not running';
            RETURN;
        END IF;
        IF p_needs_switch AND NOT (SELECT execute_batched_migrations_on_schedule FROM bbm_application_settings) THEN
            stopped := 'switch off';
            RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM batched_background_migration_jobs
                   WHERE batched_background_migration_id = p_migration AND max_value >= v_from) THEN
            stopped := 'taken';
            RETURN;
        END IF;

        EXECUTE p_cut INTO v_keys, v_high, v_cuts USING v_from, p_last, p_batch_size, p_sub_batch_size;
        v_max := CASE WHEN v_keys < p_batch_size THEN p_last ELSE v_high END;
        IF cardinality(v_cuts) = 0 THEN
            v_cuts := ARRAY[v_max];
        ELSE
            v_cuts[cardinality(v_cuts)] := v_max;
        END IF;
        v_began := clock_timestamp();
        INSERT INTO batched_background_migration_jobs (batched_background_migration_id, min_value, max_value,
            batch_size, sub_batch_size, pause_ms, status, attempts, started_at, metrics)
        VALUES (p_migration, v_from, v_max, v_keys, p_sub_batch_size, p_pause_ms, 1, 1, v_began,
                jsonb_build_object('worker', p_worker))
        RETURNING id INTO v_job;
        INSERT INTO batched_background_migration_job_transition_logs
            (batched_background_migration_job_id, previous_status, next_status) VALUES (v_job, 0, 1);

        v_prev := NULL;
        v_secs := '{}';
        v_rows := '{}';
        FOR i IN 1 .. cardinality(v_cuts) LOOP
            v_hi := v_cuts[i];
            v_t := clock_timestamp();
            -- One statement: the cursor, whether the migration still runs, the controller's pace,
            -- and this transaction's lock_timeout (set before the change takes any lock).
            UPDATE batched_background_migration_jobs SET processed_until = v_hi, updated_at = now()
            WHERE id = v_job AND status = 1
            RETURNING (SELECT status IN (1, 5) FROM batched_background_migrations WHERE id = p_migration),
                      (SELECT pause_ms FROM bbm_migration_pace WHERE batched_background_migration_id = p_migration),
                      set_config('lock_timeout', p_lock_timeout, true)
            INTO v_running, v_pace, v_set;
            IF NOT FOUND THEN
                -- An operator recorded the job (mark_finished): it is no longer this worker's.
                ROLLBACK;
                stopped := 'not running';
                RETURN;
            END IF;
            IF v_running IS NOT TRUE THEN
                -- Stopped by an operator: the job ends where its cursor was.
                ROLLBACK;
                UPDATE batched_background_migration_jobs
                SET status = 3, finished_at = clock_timestamp(), updated_at = now(), max_value = v_prev,
                    batch_size = (i - 1) * p_sub_batch_size,
                    metrics = metrics || jsonb_build_object(
                        'timings', jsonb_build_object('sub_batch', to_jsonb(v_secs)),
                        'affected_rows', jsonb_build_object('sub_batch', to_jsonb(v_rows)))
                WHERE id = v_job AND status = 1;
                IF FOUND THEN
                    INSERT INTO batched_background_migration_job_transition_logs
                        (batched_background_migration_job_id, previous_status, next_status) VALUES (v_job, 1, 3);
                    jobs := jobs + 1;
                    last_job := v_job;
                    reached := v_prev;
                    job_seconds := job_seconds || extract(epoch FROM clock_timestamp() - v_began)::float8;
                END IF;
                COMMIT;
                stopped := 'not running';
                RETURN;
            END IF;
            IF v_pace IS NOT NULL THEN
                PERFORM set_config('synchronous_commit', 'off', true);
            END IF;
            v_n := 0;
            FOREACH v_sql IN ARRAY p_change LOOP
                EXECUTE v_sql USING CASE WHEN i = 1 THEN v_from ELSE v_prev + 1 END, v_hi, p_constants;
                GET DIAGNOSTICS v_one = ROW_COUNT;
                v_n := v_n + v_one;
            END LOOP;
            v_rows := v_rows || v_n;
            IF i = cardinality(v_cuts) THEN
                -- The job's success commits with its last sub-batch, whose time here stops
                -- before that COMMIT (bbm's metrics get it whole).
                v_secs := v_secs || extract(epoch FROM clock_timestamp() - v_t)::float8;
                UPDATE batched_background_migration_jobs
                SET status = 3, finished_at = clock_timestamp(), updated_at = now(),
                    metrics = metrics || jsonb_build_object(
                        'timings', jsonb_build_object('sub_batch', to_jsonb(v_secs)),
                        'affected_rows', jsonb_build_object('sub_batch', to_jsonb(v_rows)))
                WHERE id = v_job;
                INSERT INTO batched_background_migration_job_transition_logs
                    (batched_background_migration_job_id, previous_status, next_status) VALUES (v_job, 1, 3);
            END IF;
            COMMIT;
            sub_batch_seconds := sub_batch_seconds || extract(epoch FROM clock_timestamp() - v_t)::float8;
            sub_batch_rows := sub_batch_rows || v_n;
            IF i < cardinality(v_cuts) THEN
                v_secs := v_secs || sub_batch_seconds[cardinality(sub_batch_seconds)];
            END IF;
            -- Under an impact budget the controller's pause replaces the migration's, and also
            -- follows a batch's last sub-batch.
            IF coalesce(v_pace, CASE WHEN i < cardinality(v_cuts) THEN p_pause_ms ELSE 0 END) > 0 THEN
                PERFORM pg_sleep(coalesce(v_pace, p_pause_ms) / 1000.0);
                COMMIT;  -- the next sub-batch's transaction (and its timeout) starts after the pause
            END IF;
            v_prev := v_hi;
        END LOOP;

        jobs := jobs + 1;
        last_job := v_job;
        reached := v_max;
        job_seconds := job_seconds || extract(epoch FROM clock_timestamp() - v_began)::float8;
        IF v_max >= p_last THEN
            stopped := 'end';
            RETURN;
        END IF;
        IF jobs >= p_max_jobs OR clock_timestamp() - called >= make_interval(secs => p_max_ms / 1000.0) THEN
            stopped := 'budget';
            RETURN;
        END IF;
        v_from := v_max + 1;
    END LOOP;
END
$$;
