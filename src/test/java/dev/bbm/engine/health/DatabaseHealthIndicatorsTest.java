package dev.bbm.engine.health;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each indicator's Stop, provoked for real on PostgreSQL: the migration holds, then resumes. */
@QuarkusTest
@TestProfile(DatabaseHealthProfile.class)
class DatabaseHealthIndicatorsTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(60);

    private long queue(String table) {
        db.createCopyTable(table, 2000, 0);
        return admin().body(copy(table, "\"batch_size\": 500, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    private void awaitHeldBy(long id, String indicator) {
        await().atMost(LONG)
                .until(() -> indicator.equals(db
                        .rows(
                                "SELECT on_hold_indicator FROM batched_background_migrations"
                                        + " WHERE id = $1 AND on_hold_until > now()",
                                id)
                        .stream()
                        .findFirst()
                        .map(r -> r.getString(0))
                        .orElse(null)));
        admin().get(MIGRATIONS + "/" + id).then().body("on_hold_reason", startsWith(indicator + ": "));
    }

    private SqlConnection connection() {
        return pool.getConnection().await().atMost(LONG);
    }

    private static void run(SqlConnection connection, String sql) {
        connection.query(sql).execute().await().atMost(LONG);
    }

    /**
     * A reader holds {@code table} in a transaction and a DDL queues behind it — the situation where
     * a batch must not add to the queue — while {@code whileQueued} runs; then the reader commits.
     *
     * @param table the table as SQL (quoted where its case matters)
     * @return the DDL's connection, whose statement completes once the reader is gone
     */
    private SqlConnection whileADdlWaitsBehindAReader(String table, Runnable whileQueued) {
        SqlConnection reader = connection();
        SqlConnection ddl = connection();
        try {
            run(reader, "BEGIN");
            run(reader, "SELECT count(*) FROM " + table);
            ddl.query("ALTER TABLE " + table + " ADD COLUMN extra integer")
                    .execute()
                    .subscribe()
                    .with(ok -> {}, e -> {});
            await().atMost(LONG)
                    .until(() -> db.count(
                                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = $1::regclass",
                                    table)
                            == 1);
            whileQueued.run();
        } finally {
            run(reader, "COMMIT");
            reader.close().await().atMost(LONG);
        }
        return ddl;
    }

    @Test
    void aLongOpenTransactionHoldsTheMigrationUntilItEnds() {
        long id = queue("health_long_tx");
        SqlConnection application = connection();
        try {
            run(application, "BEGIN");
            run(application, "SELECT txid_current()");
            await().pollDelay(Duration.ofMillis(2500)).atMost(LONG).until(() -> true);
            db.engine(true, 2);
            awaitHeldBy(id, LongTransactionIndicator.NAME);
            assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs"));
        } finally {
            run(application, "COMMIT");
            application.close().await().atMost(LONG);
        }
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("health_long_tx", 2000));
    }

    @Test
    void sessionsWaitingForALockOnTheTableHoldTheMigration() {
        long id = queue("health_locks");
        SqlConnection ddl = whileADdlWaitsBehindAReader("health_locks", () -> {
            db.engine(true, 2);
            awaitHeldBy(id, LockWaitsIndicator.NAME);
        });
        await().atMost(LONG)
                .until(() -> db.count("SELECT count(*) FROM information_schema.columns"
                                + " WHERE table_name = 'health_locks' AND column_name = 'extra'")
                        == 1);
        ddl.close().await().atMost(LONG);
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("health_locks", 2000));
    }

    @Test
    void lockWaitsOnAMixedCaseTableHoldItsOwnMigration() {
        // "HealthEvents" and healthevents are two tables; the waits are on the first.
        db.exec("DROP TABLE IF EXISTS \"HealthEvents\", healthevents");
        db.exec("CREATE TABLE healthevents (id bigint PRIMARY KEY, a integer, b bigint)");
        db.exec("CREATE TABLE \"HealthEvents\" (id bigint PRIMARY KEY, a integer, b bigint)");
        db.exec("INSERT INTO \"HealthEvents\" (id, a) SELECT g, g FROM generate_series(1, 2000) g");
        long id = admin().body(copy("HealthEvents", "\"batch_size\": 500, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        SqlConnection ddl = whileADdlWaitsBehindAReader("\"HealthEvents\"", () -> {
            db.engine(true, 2);
            awaitHeldBy(id, LockWaitsIndicator.NAME);
        });
        ddl.close().await().atMost(LONG);
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.count("SELECT count(*) FROM \"HealthEvents\" WHERE b IS DISTINCT FROM a"));
    }

    @Test
    void aReplicationSlotHoldingBackWalHoldsTheMigration() {
        db.exec("SELECT pg_create_physical_replication_slot('bbm_test_standby', true)");
        try {
            // More than the profile's 1 MiB of WAL the standby has not consumed.
            db.exec(
                    "CREATE TABLE IF NOT EXISTS health_wal_filler AS SELECT g, md5(g::text) AS pad FROM generate_series(1, 40000) g");
            long id = queue("health_replication");
            db.engine(true, 2);
            awaitHeldBy(id, ReplicationLagIndicator.NAME);
            assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs"));
            db.exec("SELECT pg_drop_replication_slot('bbm_test_standby')");
            db.awaitStatus(id, "finished", LONG);
        } finally {
            db.exec(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'bbm_test_standby'");
            db.exec("DROP TABLE IF EXISTS health_wal_filler");
        }
    }

    @Test
    void anAutovacuumOnTheTableHoldsTheMigration() {
        db.exec("ALTER SYSTEM SET autovacuum_naptime = 1");
        db.exec("SELECT pg_reload_conf()");
        try {
            db.createCopyTable("health_vacuum", 20000, 0);
            // An autovacuum that starts at once and crawls: every page costs it a 100 ms nap.
            db.exec(
                    "ALTER TABLE health_vacuum SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0,"
                            + " autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1)");
            db.exec("UPDATE health_vacuum SET label = 'x'");
            await().atMost(LONG)
                    .until(() ->
                            db.count("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
                                            + " AND query LIKE '%health_vacuum%'")
                                    > 0);
            long id = admin().body(copy("health_vacuum", "\"batch_size\": 5000, \"interval\": 0, \"pause_ms\": 0"))
                    .post(MIGRATIONS)
                    .then()
                    .statusCode(201)
                    .extract()
                    .<Integer>path("id");
            db.engine(true, 2);
            awaitHeldBy(id, AutovacuumIndicator.NAME);
            db.exec("ALTER TABLE health_vacuum SET (autovacuum_enabled = false)");
            db.exec("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
            db.awaitStatus(id, "finished", LONG);
        } finally {
            db.exec("ALTER SYSTEM RESET autovacuum_naptime");
            db.exec("SELECT pg_reload_conf()");
        }
    }
}
