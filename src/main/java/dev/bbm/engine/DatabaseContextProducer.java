package dev.bbm.engine;

import dev.bbm.db.CatalogRepository;
import dev.bbm.db.JobRepository;
import dev.bbm.db.LegacyJobRepository;
import dev.bbm.db.MigrationRepository;
import dev.bbm.db.SettingsRepository;
import dev.bbm.engine.health.DatabaseHealthConfig;
import dev.bbm.jobs.JobRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The context of the database configured as Quarkus' datasource: {@code main}. */
@ApplicationScoped
public class DatabaseContextProducer {

    @Produces
    @Singleton
    DatabaseContext main(
            Pool pool,
            MigrationRepository migrations,
            JobRepository jobs,
            LegacyJobRepository legacyJobs,
            CatalogRepository catalog,
            SettingsRepository applicationSettings,
            JobRegistry registry,
            EngineConfig settings,
            DatabaseHealthConfig health,
            EngineMetricsFactory metrics) {
        return new DatabaseContext(
                DatabaseContext.MAIN,
                pool,
                migrations,
                jobs,
                legacyJobs,
                catalog,
                applicationSettings,
                registry,
                settings,
                health,
                metrics.forDatabase(DatabaseContext.MAIN));
    }
}
