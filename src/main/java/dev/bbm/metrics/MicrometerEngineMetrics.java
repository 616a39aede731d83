package dev.bbm.metrics;

import dev.bbm.engine.EngineMetrics;
import dev.bbm.engine.EngineMetricsFactory;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.MigratedTuples;
import dev.bbm.migration.MigrationStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GitLab's batched-migration metrics of one database at {@code /q/metrics}, labelled
 * {@code database} ({@code main}, {@code ci}), {@code migration_id} and
 * {@code migration_identifier} ({@code Job/table.column}).
 */
public class MicrometerEngineMetrics implements EngineMetrics {

    /** Every database's engine reports to the same registry under its own {@code database} label. */
    @ApplicationScoped
    public static class Factory implements EngineMetricsFactory {

        private final MeterRegistry registry;
        private final Map<String, MicrometerEngineMetrics> byDatabase = new ConcurrentHashMap<>();

        public Factory(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public EngineMetrics forDatabase(String database) {
            return byDatabase.computeIfAbsent(database, name -> new MicrometerEngineMetrics(registry, name));
        }
    }

    private final MeterRegistry registry;
    private final Tags databaseTags;
    /** By id and identifier: an id names one migration for good, but tests reset the sequence. */
    private final Map<String, MigrationMeters> meters = new ConcurrentHashMap<>();

    private final Map<String, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> held = new ConcurrentHashMap<>();

    MicrometerEngineMetrics(MeterRegistry registry, String database) {
        this.registry = registry;
        this.databaseTags = Tags.of("database", database);
        for (MigrationStatus status : MigrationStatus.values()) {
            byStatus.put(
                    status.apiName(),
                    gauge(
                            "batched_migrations",
                            databaseTags.and("status", status.apiName()),
                            "Batched background migrations per status"));
        }
    }

    /** The gauges and counters of one migration; doubles are kept as raw long bits for the gauges. */
    private final class MigrationMeters {
        final AtomicLong batchSize;
        final AtomicLong subBatchSize;
        final AtomicLong interval;
        final AtomicLong durationMillis;
        final AtomicLong totalTuples;
        final AtomicLong lastUpdateEpoch;
        final AtomicLong migratedTuples;
        final Counter updatedTuples;
        final Timer queryDuration;
        final AtomicLong impactPauseMillis;
        final AtomicLong impactSlowdownPermille;

        MigrationMeters(long id, String identifier) {
            Tags tags = databaseTags.and("migration_id", String.valueOf(id), "migration_identifier", identifier);
            batchSize = gauge("batched_migration_job_batch_size", tags, "Batch size of the last batch");
            subBatchSize = gauge("batched_migration_job_sub_batch_size", tags, "Sub-batch size of the last batch");
            interval = gauge("batched_migration_job_interval_seconds", tags, "Interval between batches");
            durationMillis = new AtomicLong();
            Gauge.builder("batched_migration_job_duration_seconds", durationMillis, v -> v.get() / 1000.0)
                    .tags(tags)
                    .description("Duration of the last batch")
                    .register(registry);
            totalTuples = gauge("batched_migration_total_tuple_count", tags, "Estimated rows of the table");
            lastUpdateEpoch =
                    gauge("batched_migration_last_update_time_seconds", tags, "When the last batch ended (epoch)");
            // GitLab's gauge, read from the database; a counter only so that it keeps its name
            // (Prometheus reserves _total for counters) and it only ever grows.
            migratedTuples = new AtomicLong();
            FunctionCounter.builder("batched_migration_migrated_tuples", migratedTuples, AtomicLong::get)
                    .tags(tags)
                    .description("Rows covered by succeeded batches, as the database says")
                    .register(registry);
            updatedTuples = Counter.builder("batched_migration_job_updated_tuples")
                    .tags(tags)
                    .description("Rows changed by batches")
                    .register(registry);
            impactPauseMillis = gauge(
                    "batched_migration_impact_pause_ms", tags, "The pause the impact budget's controller keeps now");
            impactSlowdownPermille = new AtomicLong();
            Gauge.builder("batched_migration_impact_slowdown_ratio", impactSlowdownPermille, v -> v.get() / 1000.0)
                    .tags(tags)
                    .description("How much slower the database's probe is than while bbm was idle (0.1 = 10 %)")
                    .register(registry);
            queryDuration = Timer.builder("batched_migration_job_query_duration")
                    .tags(tags)
                    .description("Duration of each sub-batch statement")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(1))
                    .register(registry);
        }
    }

    private AtomicLong gauge(String name, Tags tags, String description) {
        AtomicLong value = new AtomicLong();
        Gauge.builder(name, value, AtomicLong::get)
                .tags(tags)
                .description(description)
                .register(registry);
        return value;
    }

    private MigrationMeters of(BatchedMigration migration) {
        return of(migration.id(), migration.jobClassName(), migration.tableName(), migration.columnName());
    }

    private MigrationMeters of(long id, String jobClassName, String tableName, String columnName) {
        String identifier = jobClassName + "/" + tableName + "." + columnName;
        return meters.computeIfAbsent(id + " " + identifier, key -> new MigrationMeters(id, identifier));
    }

    @Override
    public void impact(BatchedMigration migration, int pauseMs, double slowdown) {
        MigrationMeters m = of(migration);
        m.impactPauseMillis.set(pauseMs);
        m.impactSlowdownPermille.set(Math.round(slowdown * 1000));
    }

    @Override
    public void subBatch(BatchedMigration migration, double seconds, int rows) {
        MigrationMeters m = of(migration);
        m.queryDuration.record(Duration.ofNanos((long) (seconds * 1e9)));
        m.updatedTuples.increment(rows);
    }

    @Override
    public void jobFinished(
            BatchedMigration migration, int batchSize, int subBatchSize, boolean succeeded, double seconds) {
        MigrationMeters m = of(migration);
        m.batchSize.set(batchSize);
        m.subBatchSize.set(subBatchSize);
        m.interval.set(migration.interval());
        m.durationMillis.set(Math.round(seconds * 1000));
        m.totalTuples.set(migration.totalTupleCount() == null ? 0 : migration.totalTupleCount());
        m.lastUpdateEpoch.set(System.currentTimeMillis() / 1000);
    }

    @Override
    public void migrated(List<MigratedTuples> figures) {
        figures.forEach(
                figure -> of(figure.migrationId(), figure.jobClassName(), figure.tableName(), figure.columnName())
                        .migratedTuples
                        .set(figure.tuples()));
    }

    @Override
    public void snapshot(Map<String, Long> statuses, Map<String, Long> heldByIndicator) {
        byStatus.forEach((status, value) -> value.set(statuses.getOrDefault(status, 0L)));
        heldByIndicator.forEach((indicator, count) -> held.computeIfAbsent(
                indicator,
                name -> gauge(
                        "batched_migration_held",
                        databaseTags.and("indicator", name),
                        "Migrations on hold, by health indicator")));
        held.forEach((indicator, value) -> value.set(heldByIndicator.getOrDefault(indicator, 0L)));
    }
}
