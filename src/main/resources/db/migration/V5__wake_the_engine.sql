-- Work that arrives wakes the engines at once instead of at their next tick: a migration queued
-- (by the API or by a plain INSERT), resumed, retried or finalized; a job of the non-batched queue
-- inserted; the settings changed. PostgreSQL delivers the notification at commit, once per
-- transaction; the tick stays as the fallback when a notification is missed.
CREATE FUNCTION bbm_wake_engines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bbm_work', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER bbm_wake_on_migration
    AFTER INSERT OR UPDATE OF status ON batched_background_migrations
    FOR EACH ROW WHEN (NEW.status IN (1, 5))
    EXECUTE FUNCTION bbm_wake_engines();

CREATE TRIGGER bbm_wake_on_non_batched_job
    AFTER INSERT ON background_migration_jobs
    FOR EACH STATEMENT
    EXECUTE FUNCTION bbm_wake_engines();

CREATE TRIGGER bbm_wake_on_settings
    AFTER UPDATE ON bbm_application_settings
    FOR EACH STATEMENT
    EXECUTE FUNCTION bbm_wake_engines();
