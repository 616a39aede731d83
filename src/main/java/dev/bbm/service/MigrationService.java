package dev.bbm.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bbm.db.CatalogRepository;
import dev.bbm.db.Identifiers;
import dev.bbm.db.JobRepository;
import dev.bbm.db.MigrationRepository;
import dev.bbm.db.MigrationRepository.NewMigration;
import dev.bbm.db.TableInfo;
import dev.bbm.engine.DatabaseContext;
import dev.bbm.engine.JobArgumentsCheck;
import dev.bbm.jobs.BatchedMigrationJob;
import dev.bbm.jobs.JobRegistry;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobDetail;
import dev.bbm.migration.JobPage;
import dev.bbm.migration.JobStatus;
import dev.bbm.migration.JobTiming;
import dev.bbm.migration.MigrationConfiguration;
import dev.bbm.migration.MigrationFilter;
import dev.bbm.migration.MigrationPage;
import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Queueing and reading migrations: the use cases behind the API. */
public class MigrationService {

    /** GitLab's defaults for {@code queue_batched_background_migration}. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    public static final int DEFAULT_SUB_BATCH_SIZE = 100;
    public static final int DEFAULT_INTERVAL_SECONDS = 120;
    public static final int DEFAULT_PAUSE_MS = 100;
    /** GitLab's first key; lower keys that exist lower it (see {@link #insert}). */
    public static final long DEFAULT_MIN_VALUE = 1;

    /** A queue request's outcome: the migration, and whether this request created it. */
    public record Queued(MigrationRow migration, boolean created) {}

    private final Pool pool;
    private final MigrationRepository migrations;
    private final CatalogRepository catalog;
    private final JobRegistry registry;
    private final JobRepository jobRepository;
    private final JobArgumentsCheck check;

    public MigrationService(DatabaseContext db) {
        this.pool = db.pool();
        this.migrations = db.migrations();
        this.catalog = db.catalog();
        this.registry = db.registry();
        this.jobRepository = db.jobs();
        this.check = new JobArgumentsCheck(db);
    }

    public Uni<MigrationRow> get(long id) {
        return migrations
                .findById(pool, id)
                .map(found -> found.orElseThrow(() ->
                        new ServiceException.NotFound("There is no batched background migration with id " + id + ".")));
    }

    /** A page of the migration's jobs with their transition logs; 404 for an unknown migration. */
    public Uni<JobPage> jobs(long id, JobStatus status, int page, int perPage) {
        return migrations.find(pool, id).flatMap(found -> {
            if (found.isEmpty()) {
                throw new ServiceException.NotFound("There is no batched background migration with id " + id + ".");
            }
            return jobRepository.page(pool, id, status, page, perPage);
        });
    }

    /** One job of a migration with its transition logs; 404 for an unknown migration or job. */
    public Uni<JobDetail> job(long migrationId, long jobId) {
        return jobRepository
                .detail(pool, migrationId, jobId)
                .map(found -> found.orElseThrow(() -> new ServiceException.NotFound(
                        "Batched background migration " + migrationId + " has no job with id " + jobId + ".")));
    }

    /** When the newest {@code limit} jobs of a migration ran and what they did, oldest first. */
    public Uni<List<JobTiming>> timings(long migrationId, int limit) {
        return jobRepository.timings(pool, migrationId, limit);
    }

    /** A page of migrations; a {@code table_name} filter finds the table under any of its spellings. */
    public Uni<MigrationPage> list(MigrationFilter filter, int page, int perPage) {
        if (filter.tableName() == null || !Identifiers.isPlainTableName(filter.tableName())) {
            return migrations.list(pool, filter, page, perPage);
        }
        return catalog.findTable(pool, filter.tableName())
                .map(table -> table.map(found ->
                                new MigrationFilter(filter.statuses(), filter.jobClassName(), found.canonicalName()))
                        .orElse(filter))
                .flatMap(resolved -> migrations.list(pool, resolved, page, perPage));
    }

    /** How many migrations are in each status (a status without any is absent). */
    public Uni<Map<MigrationStatus, Long>> countByStatus() {
        return migrations.countByStatus(pool, null);
    }

    /** What the upgrade gate sees: migrations per status, and the oldest unfinished ones. */
    public record GateView(Map<MigrationStatus, Long> byStatus, List<BatchedMigration> unfinished) {}

    /**
     * The upgrade gate's view of migrations of {@code jobClasses} (all when null): counts per
     * status and the oldest {@code listed} unfinished migrations, read together.
     */
    public Uni<GateView> gate(List<String> jobClasses, int listed) {
        String[] classes = jobClasses == null ? null : jobClasses.toArray(String[]::new);
        return Uni.combine()
                .all()
                .unis(migrations.countByStatus(pool, classes), migrations.unfinished(pool, classes, listed))
                .asTuple()
                .map(read -> new GateView(read.getItem1(), read.getItem2()));
    }

    /**
     * Queues a migration after checking everything (job class, table, columns, arguments, ranges);
     * nothing is written unless all checks pass. Queueing the same configuration again returns
     * the existing migration.
     */
    public Uni<Queued> queue(QueueCommand request) {
        List<FieldError> errors = QueueValidator.check(request, registry);
        if (!errors.isEmpty()) {
            throw new ServiceException.InvalidInput(errors);
        }
        int batchSize = request.batchSize() == null ? DEFAULT_BATCH_SIZE : request.batchSize();
        int subBatchSize =
                request.subBatchSize() == null ? Math.min(DEFAULT_SUB_BATCH_SIZE, batchSize) : request.subBatchSize();
        BatchedMigrationJob job = registry.find(request.jobClassName()).orElseThrow();
        JsonNode arguments =
                request.jobArguments() == null ? JsonNodeFactory.instance.arrayNode() : request.jobArguments();
        // The table as the catalog resolves it: one spelling per table, whatever the request wrote.
        return catalog.findTable(pool, request.tableName()).flatMap(table -> {
            MigrationConfiguration configuration = new MigrationConfiguration(
                    request.jobClassName(),
                    table.map(TableInfo::canonicalName).orElse(request.tableName()),
                    request.columnName(),
                    arguments);
            return migrations
                    .findByConfiguration(pool, configuration)
                    .flatMap(existing -> existing.isPresent()
                            ? Uni.createFrom().item(new Queued(existing.get(), false))
                            : checkAgainstTable(request, job, arguments, table)
                                    .flatMap(found -> catalog.keyRange(pool, found, request.columnName())
                                            .flatMap(range -> insert(
                                                    request, configuration, found, range, batchSize, subBatchSize))));
        });
    }

    /**
     * The configuration under which {@code tableName} is stored: the catalog's one spelling of the
     * table when it exists ({@code public.events} and {@code events} are one migration).
     */
    public Uni<MigrationConfiguration> resolve(MigrationConfiguration configuration) {
        if (!Identifiers.isPlainTableName(configuration.tableName())) {
            // Could never have been queued; the lookup binds it and finds nothing.
            return Uni.createFrom().item(configuration);
        }
        return catalog.findTable(pool, configuration.tableName())
                .map(table -> table.map(found -> new MigrationConfiguration(
                                configuration.jobClassName(),
                                found.canonicalName(),
                                configuration.columnName(),
                                configuration.jobArguments()))
                        .orElse(configuration));
    }

    private Uni<TableInfo> checkAgainstTable(
            QueueCommand request, BatchedMigrationJob job, JsonNode arguments, Optional<TableInfo> found) {
        // Deferred: the check refuses some requests before it has a Uni to fail.
        return Uni.createFrom()
                .deferred(() -> check.check(job, request.tableName(), request.columnName(), arguments, found))
                .onFailure(JobArgumentsCheck.Refused.class)
                .transform(e -> new ServiceException.InvalidInput(((JobArgumentsCheck.Refused) e)
                        .problems().stream()
                                .map(problem -> new FieldError(problem.field(), problem.message()))
                                .toList()));
    }

    /**
     * Writes the migration. Its range defaults to GitLab's, {@code [1, max(key)]}, reaching down to
     * the lowest key when keys below 1 exist: bbm never leaves rows behind unannounced.
     */
    private Uni<Queued> insert(
            QueueCommand r,
            MigrationConfiguration configuration,
            TableInfo table,
            long[] range,
            int batchSize,
            int subBatchSize) {
        boolean empty = range == null;
        long minValue =
                r.minValue() != null ? r.minValue() : empty ? DEFAULT_MIN_VALUE : Math.min(DEFAULT_MIN_VALUE, range[0]);
        List<FieldError> errors =
                QueueValidator.checkTogether(minValue, r.maxValue(), batchSize, subBatchSize, r.maxBatchSize());
        if (!errors.isEmpty()) {
            throw new ServiceException.InvalidInput(errors);
        }
        long maxValue = r.maxValue() != null ? r.maxValue() : empty ? minValue : Math.max(range[1], minValue);
        long estimate = table.estimatedRows() >= 0
                ? table.estimatedRows()
                : empty ? 0 : Math.max(0, Math.min(range[1], maxValue) - Math.max(range[0], minValue) + 1);
        NewMigration migration = new NewMigration(
                configuration,
                minValue,
                maxValue,
                batchSize,
                subBatchSize,
                r.interval() == null ? DEFAULT_INTERVAL_SECONDS : r.interval(),
                r.pauseMs() == null ? DEFAULT_PAUSE_MS : r.pauseMs(),
                r.maxBatchSize(),
                r.priority() == null ? 0 : r.priority(),
                estimate,
                empty ? MigrationStatus.FINISHED : MigrationStatus.ACTIVE,
                r.optimize() == null || r.optimize());
        return migrations
                .insertIfAbsent(pool, migration)
                .flatMap(id -> id.isPresent()
                        ? get(id.get()).map(row -> new Queued(row, true))
                        // Another request queued the same configuration a moment earlier.
                        : migrations
                                .findByConfiguration(pool, configuration)
                                .map(row -> new Queued(row.orElseThrow(), false)));
    }
}
