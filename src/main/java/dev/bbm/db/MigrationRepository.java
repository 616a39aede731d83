package dev.bbm.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobCounts;
import dev.bbm.migration.JobStatus;
import dev.bbm.migration.MigratedTuples;
import dev.bbm.migration.MigrationConfiguration;
import dev.bbm.migration.MigrationFilter;
import dev.bbm.migration.MigrationPace;
import dev.bbm.migration.MigrationPage;
import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.migration.MigrationTransition;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL over {@code batched_background_migrations}. */
@ApplicationScoped
public class MigrationRepository {

    /** A migration to insert; the database fills in ids, timestamps and defaults. */
    public record NewMigration(
            MigrationConfiguration configuration,
            long minValue,
            long maxValue,
            int batchSize,
            int subBatchSize,
            int interval,
            int pauseMs,
            Integer maxBatchSize,
            int priority,
            Long totalTupleCount,
            MigrationStatus status,
            boolean optimize) {}

    static final String SELECT = """
            SELECT m.*, m.job_arguments::text AS job_arguments_text,
                   j.pending, j.running, j.failed, j.succeeded, j.succeeded_tuples, r.recent_seconds,
                   p.budget_percent AS pace_budget_percent, p.pause_ms AS pace_pause_ms, p.slowdown AS pace_slowdown,
                   p.probe_ms AS pace_probe_ms, p.baseline_ms AS pace_baseline_ms, p.reason AS pace_reason,
                   p.updated_at AS pace_updated_at
            FROM batched_background_migrations m
            LEFT JOIN bbm_migration_pace p ON p.batched_background_migration_id = m.id
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE status = %1$d) AS pending,
                       count(*) FILTER (WHERE status = %2$d) AS running,
                       count(*) FILTER (WHERE status = %3$d) AS failed,
                       count(*) FILTER (WHERE status = %4$d) AS succeeded,
                       coalesce(sum(batch_size) FILTER (WHERE status = %4$d), 0) AS succeeded_tuples
                FROM batched_background_migration_jobs
                WHERE batched_background_migration_id = m.id) j ON true
            LEFT JOIN LATERAL (
                SELECT avg(extract(epoch FROM finished_at - started_at))::float8 AS recent_seconds
                FROM (SELECT started_at, finished_at FROM batched_background_migration_jobs
                      WHERE batched_background_migration_id = m.id AND status = %4$d
                      ORDER BY id DESC LIMIT 10) recent) r ON true
            """.formatted(
            JobStatus.PENDING.code(), JobStatus.RUNNING.code(), JobStatus.FAILED.code(), JobStatus.SUCCEEDED.code());

    private static final String INSERT = """
            INSERT INTO batched_background_migrations
                (job_class_name, table_name, column_name, job_arguments, min_value, max_value, batch_size,
                 sub_batch_size, "interval", pause_ms, max_batch_size, priority, total_tuple_count, status,
                 optimize, finished_at)
            VALUES ($1, $2, $3, $4::text::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::smallint, $15,
                    CASE WHEN $14::smallint = %d THEN now() END)
            ON CONFLICT (job_class_name, table_name, column_name, job_arguments) DO NOTHING
            RETURNING id
            """.formatted(MigrationStatus.FINISHED.code());

    private final ObjectMapper json;

    public MigrationRepository(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Optional<MigrationRow>> findById(SqlClient client, long id) {
        return client.preparedQuery(SELECT + " WHERE m.id = $1")
                .execute(Tuple.of(id))
                .map(this::first);
    }

    public Uni<Optional<MigrationRow>> findByConfiguration(SqlClient client, MigrationConfiguration configuration) {
        return client.preparedQuery(SELECT + """
                 WHERE m.job_class_name = $1 AND m.table_name = $2 AND m.column_name = $3 AND m.job_arguments = $4::text::jsonb
                """)
                .execute(Tuple.of(
                        configuration.jobClassName(),
                        configuration.tableName(),
                        configuration.columnName(),
                        write(configuration.jobArguments())))
                .map(this::first);
    }

    /** Inserts the migration unless one with the same configuration exists: the id of a new row, or empty. */
    public Uni<Optional<Long>> insertIfAbsent(SqlClient client, NewMigration m) {
        MigrationConfiguration c = m.configuration();
        Tuple params = Tuple.tuple(List.of(
                c.jobClassName(),
                c.tableName(),
                c.columnName(),
                write(c.jobArguments()),
                m.minValue(),
                m.maxValue(),
                m.batchSize(),
                m.subBatchSize(),
                m.interval(),
                m.pauseMs()));
        params.addInteger(m.maxBatchSize())
                .addInteger(m.priority())
                .addLong(m.totalTupleCount())
                .addShort(m.status().code())
                .addBoolean(m.optimize());
        return client.preparedQuery(INSERT)
                .execute(params)
                .map(rows -> rows.iterator().hasNext()
                        ? Optional.of(rows.iterator().next().getLong("id"))
                        : Optional.empty());
    }

    /** The migration alone, without job counts: what the engine reads before each batch. */
    public Uni<Optional<BatchedMigration>> find(SqlClient client, long id) {
        return client.preparedQuery("SELECT m.*, m.job_arguments::text AS job_arguments_text"
                        + " FROM batched_background_migrations m WHERE m.id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext()
                        ? Optional.of(migration(rows.iterator().next()))
                        : Optional.empty());
    }

    /** A migration the scheduler may run now, in queue order. */
    public record Candidate(long id, String tableName, boolean finalizing) {}

    /**
     * Migrations to run now: active and not on hold with their interval elapsed since their last
     * batch was created (GitLab's {@code interval_elapsed?}), or finalizing (interval ignored, holds
     * too when forced); by priority, then age.
     */
    public Uni<List<Candidate>> executable(SqlClient client) {
        return client.query(EXECUTABLE + " ORDER BY m.priority, m.id").execute().map(rows -> {
            List<Candidate> result = new ArrayList<>();
            rows.forEach(row -> result.add(new Candidate(
                    row.getLong("id"),
                    row.getString("table_name"),
                    row.getInteger("status") == MigrationStatus.FINALIZING.code())));
            return result;
        });
    }

    /** Migration {@code id} if it may run now (the same rule as {@link #executable}). */
    public Uni<Optional<BatchedMigration>> findExecutable(SqlClient client, long id) {
        return client.preparedQuery(EXECUTABLE.replace(
                                "SELECT m.id, m.table_name, m.status",
                                "SELECT m.*, m.job_arguments::text AS job_arguments_text")
                        + " AND m.id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext()
                        ? Optional.of(migration(rows.iterator().next()))
                        : Optional.empty());
    }

    static final String EXECUTABLE = """
            SELECT m.id, m.table_name, m.status
            FROM batched_background_migrations m
            LEFT JOIN LATERAL (
                SELECT created_at FROM batched_background_migration_jobs
                WHERE batched_background_migration_id = m.id ORDER BY id DESC LIMIT 1) last ON true
            WHERE m.status IN (%1$d, %2$d)
              AND ((m.status = %2$d AND (m.on_hold_until IS NULL OR m.on_hold_until <= now() OR m.finalize_ignoring_health))
                   OR (m.status = %1$d
                       AND (m.on_hold_until IS NULL OR m.on_hold_until <= now())
                       AND (last.created_at IS NULL OR last.created_at <= now() - make_interval(secs => m."interval"))))
            """.formatted(MigrationStatus.ACTIVE.code(), MigrationStatus.FINALIZING.code());

    /** Records the start of the first batch, and the size estimate a row inserted by SQL lacks. */
    public Uni<Void> markStarted(SqlClient client, long id, long estimatedRows) {
        return client.preparedQuery("UPDATE batched_background_migrations SET started_at = coalesce(started_at, now()),"
                        + " total_tuple_count = coalesce(total_tuple_count, $2), updated_at = now()"
                        + " WHERE id = $1 AND (started_at IS NULL OR total_tuple_count IS NULL)")
                .execute(Tuple.of(id, estimatedRows))
                .replaceWithVoid();
    }

    /**
     * Moves migration {@code id} along {@code transition} if its status allows it: one
     * conditional statement, so two operators acting at once cannot both succeed on a stale view.
     * The timestamps an edge implies move with it (a retry restarts the failed-ratio count at
     * {@code started_at}; finishing sets {@code finished_at}).
     *
     * @return whether it moved
     */
    public Uni<Boolean> transition(SqlClient client, long id, MigrationTransition transition) {
        String timestamps = switch (transition) {
            case RETRY -> ", started_at = now()";
            case FINISH, MARK_FINISHED -> ", finished_at = now()";
            default -> "";
        };
        return move(client, id, transition, timestamps, Tuple.tuple());
    }

    /** {@link MigrationTransition#FINALIZE}, ignoring the health holds when {@code ignoringHealth}. */
    public Uni<Boolean> finalize(SqlClient client, long id, boolean ignoringHealth) {
        return move(
                client, id, MigrationTransition.FINALIZE, ", finalize_ignoring_health = $4", Tuple.of(ignoringHealth));
    }

    private Uni<Boolean> move(SqlClient client, long id, MigrationTransition transition, String set, Tuple setParams) {
        Tuple params = Tuple.of(
                id,
                transition.to().code(),
                transition.from().stream().map(MigrationStatus::code).toArray(Short[]::new));
        for (int i = 0; i < setParams.size(); i++) {
            params.addValue(setParams.getValue(i));
        }
        return client.preparedQuery("UPDATE batched_background_migrations SET status = $2, updated_at = now()" + set
                        + " WHERE id = $1 AND status = ANY($3)")
                .execute(params)
                .map(rows -> rows.rowCount() == 1);
    }

    /** Deletes the migration with its jobs and their transition logs (the foreign keys cascade). */
    public Uni<Boolean> delete(SqlClient client, long id) {
        return client.preparedQuery("DELETE FROM batched_background_migrations WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Holds the migration until {@code now + hold}, recording which indicator asked and why. */
    public Uni<Void> hold(SqlClient client, long id, Duration hold, String indicator, String reason) {
        return client.preparedQuery(
                        "UPDATE batched_background_migrations SET on_hold_until = now() + $2 * interval '1 millisecond',"
                                + " on_hold_indicator = $3, on_hold_reason = $4, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, hold.toMillis(), indicator, reason))
                .replaceWithVoid();
    }

    /** Ends a hold once the indicators are back to normal. */
    public Uni<Void> release(SqlClient client, long id) {
        return client.preparedQuery(
                        "UPDATE batched_background_migrations SET on_hold_until = NULL, on_hold_indicator = NULL,"
                                + " on_hold_reason = NULL, updated_at = now() WHERE id = $1 AND on_hold_until <= now()")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /** The optimizer's new batch size, unless an operator or another replica changed it meanwhile. */
    public Uni<Boolean> resizeBatches(SqlClient client, long id, int from, int to) {
        return client.preparedQuery("UPDATE batched_background_migrations SET batch_size = $3, updated_at = now()"
                        + " WHERE id = $1 AND batch_size = $2 AND sub_batch_size <= $3")
                .execute(Tuple.of(id, from, to))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The rows each migration's succeeded batches cover, for the migrations that are not done and
     * those done whose figure is not in {@code known} yet (a done one's figure no longer changes),
     * by {@link MigratedTuples#key()}: an id with its configuration, as tests reuse ids.
     */
    public Uni<List<MigratedTuples>> migratedTuples(SqlClient client, String[] known) {
        return client.preparedQuery(MIGRATED_TUPLES)
                .execute(Tuple.of((Object) known))
                .map(rows -> {
                    List<MigratedTuples> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new MigratedTuples(
                                row.getLong("id"),
                                row.getString("job_class_name"),
                                row.getString("table_name"),
                                row.getString("column_name"),
                                row.getLong("migrated"),
                                MigrationStatus.fromCode(row.getInteger("status"))
                                        .isDone()));
                    }
                    return result;
                });
    }

    static final String MIGRATED_TUPLES = """
            SELECT m.id, m.job_class_name, m.table_name, m.column_name, m.status,
                   (SELECT coalesce(sum(j.batch_size), 0) FROM batched_background_migration_jobs j
                     WHERE j.batched_background_migration_id = m.id AND j.status = %d) AS migrated
              FROM batched_background_migrations m
             WHERE m.status NOT IN (%d, %d)
                OR NOT (m.id || ' ' || m.job_class_name || '/' || m.table_name || '.' || m.column_name) = ANY($1::text[])
            """.formatted(
                    JobStatus.SUCCEEDED.code(), MigrationStatus.FINISHED.code(), MigrationStatus.FINALIZED.code());

    /** Migrations per status, and the held ones per health indicator. */
    public record Snapshot(Map<String, Long> byStatus, Map<String, Long> heldByIndicator) {}

    public Uni<Snapshot> snapshot(SqlClient client) {
        return client.query("SELECT status, CASE WHEN on_hold_until > now() THEN on_hold_indicator END AS indicator,"
                        + " count(*) AS n FROM batched_background_migrations GROUP BY 1, 2")
                .execute()
                .map(rows -> {
                    Map<String, Long> byStatus = new HashMap<>();
                    Map<String, Long> held = new HashMap<>();
                    for (Row row : rows) {
                        byStatus.merge(
                                MigrationStatus.fromCode(row.getInteger("status"))
                                        .apiName(),
                                row.getLong("n"),
                                Long::sum);
                        if (row.getString("indicator") != null) {
                            held.merge(row.getString("indicator"), row.getLong("n"), Long::sum);
                        }
                    }
                    return new Snapshot(byStatus, held);
                });
    }

    /** Migrations per status, of the given job classes only (null: all). */
    public Uni<Map<MigrationStatus, Long>> countByStatus(SqlClient client, String[] jobClasses) {
        return client.preparedQuery("SELECT status, count(*) AS n FROM batched_background_migrations" + JOB_CLASSES
                        + " GROUP BY status")
                .execute(Tuple.of(jobClasses))
                .map(rows -> {
                    Map<MigrationStatus, Long> byStatus = new EnumMap<>(MigrationStatus.class);
                    rows.forEach(
                            row -> byStatus.put(MigrationStatus.fromCode(row.getInteger("status")), row.getLong("n")));
                    return byStatus;
                });
    }

    /** The oldest {@code limit} migrations not finished nor finalized, of the given job classes only (null: all). */
    public Uni<List<BatchedMigration>> unfinished(SqlClient client, String[] jobClasses, int limit) {
        return client.preparedQuery(
                        "SELECT m.*, m.job_arguments::text AS job_arguments_text FROM batched_background_migrations m"
                                + JOB_CLASSES
                                + " AND status NOT IN (%d, %d) ORDER BY id LIMIT $2"
                                        .formatted(MigrationStatus.FINISHED.code(), MigrationStatus.FINALIZED.code()))
                .execute(Tuple.of(jobClasses, limit))
                .map(rows -> {
                    List<BatchedMigration> result = new ArrayList<>();
                    rows.forEach(row -> result.add(migration(row)));
                    return result;
                });
    }

    private static final String JOB_CLASSES = " WHERE ($1::text[] IS NULL OR job_class_name = ANY($1::text[]))";

    /** A page of migrations, newest first. */
    public Uni<MigrationPage> list(SqlClient client, MigrationFilter filter, int page, int perPage) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (filter.statuses() != null) {
            params.add(filter.statuses().stream().map(MigrationStatus::code).toArray(Short[]::new));
            where.add("m.status = ANY($" + params.size() + ")");
        }
        if (filter.jobClassName() != null) {
            params.add(filter.jobClassName());
            where.add("m.job_class_name = $" + params.size());
        }
        if (filter.tableName() != null) {
            params.add(filter.tableName());
            where.add("m.table_name = $" + params.size());
        }
        String condition = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        String count = "SELECT count(*) FROM batched_background_migrations m" + condition;
        String select = SELECT + condition + " ORDER BY m.id DESC LIMIT $" + (params.size() + 1) + " OFFSET $"
                + (params.size() + 2);
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(perPage);
        pageParams.add((long) (page - 1) * perPage);
        return client.preparedQuery(count)
                .execute(Tuple.from(params))
                .map(rows -> rows.iterator().next().getLong(0))
                .flatMap(total -> client.preparedQuery(select)
                        .execute(Tuple.from(pageParams))
                        .map(rows -> new MigrationPage(all(rows), total)));
    }

    private Optional<MigrationRow> first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? Optional.of(from(rows.iterator().next())) : Optional.empty();
    }

    private List<MigrationRow> all(RowSet<Row> rows) {
        List<MigrationRow> result = new ArrayList<>();
        rows.forEach(row -> result.add(from(row)));
        return result;
    }

    /** Maps a row of {@link #SELECT}. */
    MigrationRow from(Row row) {
        return new MigrationRow(
                migration(row),
                new JobCounts(
                        row.getLong("pending"),
                        row.getLong("running"),
                        row.getLong("failed"),
                        row.getLong("succeeded"),
                        row.getLong("succeeded_tuples")),
                row.getDouble("recent_seconds"),
                row.getInteger("pace_pause_ms") == null
                        ? null
                        : new MigrationPace(
                                row.getInteger("pace_budget_percent"),
                                row.getInteger("pace_pause_ms"),
                                row.getDouble("pace_slowdown"),
                                row.getDouble("pace_probe_ms"),
                                row.getDouble("pace_baseline_ms"),
                                row.getString("pace_reason"),
                                row.getOffsetDateTime("pace_updated_at")));
    }

    /** Maps the columns of {@code batched_background_migrations} plus {@code job_arguments_text}. */
    public BatchedMigration migration(Row row) {
        return new BatchedMigration(
                row.getLong("id"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"),
                row.getLong("min_value"),
                row.getLong("max_value"),
                row.getInteger("batch_size"),
                row.getInteger("sub_batch_size"),
                row.getInteger("interval"),
                MigrationStatus.fromCode(row.getInteger("status")),
                row.getString("job_class_name"),
                row.getString("batch_class_name"),
                row.getString("table_name"),
                row.getString("column_name"),
                read(row.getString("job_arguments_text")),
                row.getLong("total_tuple_count"),
                row.getInteger("pause_ms"),
                row.getInteger("max_batch_size"),
                row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("on_hold_until"),
                row.getOffsetDateTime("finished_at"),
                row.getInteger("priority"),
                row.getBoolean("optimize"),
                row.getString("on_hold_indicator"),
                row.getString("on_hold_reason"),
                row.getBoolean("finalize_ignoring_health"));
    }

    public String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
