package dev.bbm.engine;

import dev.bbm.config.DatabaseUrls;
import dev.bbm.db.CatalogRepository;
import dev.bbm.db.JobRepository;
import dev.bbm.db.LegacyJobRepository;
import dev.bbm.db.MigrationRepository;
import dev.bbm.db.SettingsRepository;
import dev.bbm.engine.health.DatabaseHealthConfig;
import dev.bbm.jobs.JobRegistry;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Everything bbm works with on one database: its connection pool, the repositories over its
 * bookkeeping tables, the job classes, the engine's settings and where metrics go. One per
 * database; the engine and the services of that database are built from it.
 *
 * @param name     the database's name as operators use it ({@code main}, {@code ci})
 * @param pool     the reactive pool of that database
 * @param settings the engine's tunables
 * @param health   the database-health indicators' thresholds
 */
public record DatabaseContext(
        String name,
        Pool pool,
        MigrationRepository migrations,
        JobRepository jobs,
        LegacyJobRepository legacyJobs,
        CatalogRepository catalog,
        SettingsRepository applicationSettings,
        JobRegistry registry,
        EngineConfig settings,
        DatabaseHealthConfig health,
        EngineMetrics metrics) {

    /** GitLab's name for the database bbm serves unless told otherwise. */
    public static final String MAIN = DatabaseUrls.MAIN;

    /** The same repositories, job classes and settings on another database. */
    public DatabaseContext forDatabase(String otherName, Pool otherPool, EngineMetrics otherMetrics) {
        return new DatabaseContext(
                otherName,
                otherPool,
                migrations,
                jobs,
                legacyJobs,
                catalog,
                applicationSettings,
                registry,
                settings,
                health,
                otherMetrics);
    }

    /** A new engine for this database; each replica runs one per database. */
    public BatchedMigrationEngine newEngine() {
        return new BatchedMigrationEngine(this);
    }
}
