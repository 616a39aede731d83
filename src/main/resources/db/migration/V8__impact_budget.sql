-- The impact budget (issue 17): per database, how much slower the application may get while bbm
-- migrates, in percent; 0 (the default) keeps the paces operators set.
ALTER TABLE bbm_application_settings
    ADD COLUMN batched_migrations_impact_budget_percent integer NOT NULL DEFAULT 0
        CHECK (batched_migrations_impact_budget_percent BETWEEN 0 AND 1000);

-- The controller's probe: a row per governed migration (keyed by its id, so that two controllers
-- never wait for each other) that it updates and commits, so that the probe waits for what the
-- application's transactions wait for (CPU, locks, the WAL flush).
CREATE TABLE bbm_impact_probe (
    id bigint PRIMARY KEY,
    n  bigint NOT NULL DEFAULT 0
);
