package dev.bbm.support;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Direct SQL for tests: set up tables and check what the service wrote, on the real database. */
public final class Db {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Pool pool;

    public Db(Pool pool) {
        this.pool = pool;
    }

    /**
     * A Db on a small pool of its own at {@code url} (the test profile's second database,
     * {@code ci}); {@link #close()} closes that pool.
     */
    public static Db onOwnPool(Vertx vertx, String url) {
        return new Db(Pool.newInstance(PgBuilder.pool()
                .connectingTo(PgConnectOptions.fromUri(url))
                .with(new PoolOptions().setMaxSize(2))
                .using(vertx.getDelegate())
                .build()));
    }

    /** Closes the pool (of a Db made by {@link #onOwnPool}). */
    public void close() {
        pool.close().await().atMost(TIMEOUT);
    }

    public void exec(String sql) {
        pool.query(sql).execute().await().atMost(TIMEOUT);
    }

    public List<Row> rows(String sql, Object... params) {
        List<Row> result = new ArrayList<>();
        pool.preparedQuery(sql)
                .execute(Tuple.from(params))
                .await()
                .atMost(TIMEOUT)
                .forEach(result::add);
        return result;
    }

    public long count(String sql, Object... params) {
        return rows(sql, params).get(0).getLong(0);
    }

    /**
     * Forgets every migration (and, by cascade, their jobs and logs) and stops the engine from
     * starting new batches, so a test sees only what it queues and runs.
     */
    public void clearMigrations() {
        engine(false, 2);
        exec("TRUNCATE batched_background_migrations, background_migration_jobs RESTART IDENTITY CASCADE");
    }

    /** The settings every engine reads at its next tick. */
    public void engine(boolean executeOnSchedule, int maxRunning) {
        exec("UPDATE bbm_application_settings SET execute_batched_migrations_on_schedule = " + executeOnSchedule
                + ", database_max_running_batched_background_migrations = " + maxRunning);
    }

    public String status(long migrationId) {
        return dev.bbm.migration.MigrationStatus.fromCode(
                        (int) count("SELECT status FROM batched_background_migrations WHERE id = $1", migrationId))
                .apiName();
    }

    /** Waits until the migration reaches {@code status}. */
    public void awaitStatus(long migrationId, String status, Duration atMost) {
        org.awaitility.Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> status(migrationId).equals(status));
    }

    /** Pairs of jobs of one migration whose key ranges overlap: must always be zero. */
    public long overlappingJobs() {
        return count("""
                SELECT count(*) FROM batched_background_migration_jobs a
                JOIN batched_background_migration_jobs b
                  ON a.batched_background_migration_id = b.batched_background_migration_id AND a.id < b.id
                 AND a.min_value <= b.max_value AND b.min_value <= a.max_value
                """);
    }

    /**
     * Makes the updates of {@code table}'s rows that match {@code condition} (over {@code NEW})
     * fail with "row &lt;id&gt; refuses to change", as a trigger would in an application.
     */
    public void refuseUpdates(String table, String condition) {
        exec("CREATE OR REPLACE FUNCTION " + table + "_guard() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN RAISE EXCEPTION 'row % refuses to change', NEW.id; END $$");
        exec("CREATE TRIGGER guard BEFORE UPDATE ON " + table + " FOR EACH ROW WHEN (" + condition + ")"
                + " EXECUTE FUNCTION " + table + "_guard()");
    }

    /** Rows of a copy table ({@code a} into {@code b}) in {@code [1, maxId]} whose copy is wrong. */
    public long wrongCopies(String table, long maxId) {
        return count("SELECT count(*) FROM " + table + " WHERE id <= $1 AND b IS DISTINCT FROM a", maxId);
    }

    /** A table {@code name(id bigserial, a int, b bigint)} whose ids are 1..rows minus every multiple of gapEvery. */
    public void createCopyTable(String name, int rows, int gapEvery) {
        exec("DROP TABLE IF EXISTS " + name);
        exec("CREATE TABLE " + name + " (id bigserial PRIMARY KEY, a integer, b bigint, status integer, label text)");
        exec("INSERT INTO " + name + " (id, a) SELECT g, g * 2 FROM generate_series(1, " + rows + ") g"
                + (gapEvery > 0 ? " WHERE g % " + gapEvery + " <> 0" : ""));
        exec("SELECT setval(pg_get_serial_sequence('" + name + "', 'id'), " + rows + ")");
        exec("ANALYZE " + name);
    }
}
