package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One table is one table, however a request spells it: one configuration, one lock. */
@QuarkusTest
class TableNamesTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void twoSpellingsOfOneTableAreOneMigrationStoredUnderOneName() {
        db.createCopyTable("names_t2", 100, 0);
        int first = admin().body(copy("names_t2", ""))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("table_name", equalTo("names_t2"))
                .extract()
                .path("id");
        int second = admin().body(copy("public.names_t2", ""))
                .post(MIGRATIONS)
                .then()
                .statusCode(200)
                .body("table_name", equalTo("names_t2"))
                .extract()
                .path("id");
        assertEquals(first, second);
        assertEquals(1, db.count("SELECT count(*) FROM batched_background_migrations"));
        admin().queryParam("table_name", "public.names_t2")
                .get(MIGRATIONS)
                .then()
                .statusCode(200)
                .header("X-Total", "1");
    }

    @Test
    void aTableOutsideTheSearchPathIsStoredSchemaQualified() {
        db.exec("CREATE SCHEMA IF NOT EXISTS names_app");
        db.exec("DROP TABLE IF EXISTS names_app.orders");
        db.exec("CREATE TABLE names_app.orders (id bigint PRIMARY KEY, a integer, b bigint)");
        db.exec("INSERT INTO names_app.orders (id, a) SELECT g, g FROM generate_series(1, 10) g");
        admin().body(copy("names_app.orders", ""))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("table_name", equalTo("names_app.orders"));
    }

    @Test
    void twoSpellingsOfOneTableShareItsLock() {
        db.createCopyTable("names_locked", 10, 0);
        Optional<MigrationLease> first = MigrationLease.tryAcquire(pool, 901, "names_locked", 0, 10)
                .await()
                .atMost(LONG);
        try {
            assertTrue(first.isPresent());
            Optional<MigrationLease> second = MigrationLease.tryAcquire(pool, 902, "public.names_locked", 0, 10)
                    .await()
                    .atMost(LONG);
            second.ifPresent(lease -> lease.release().await().atMost(LONG));
            assertTrue(second.isEmpty(), "a second migration on the same table got its lock under another spelling");
        } finally {
            first.ifPresent(lease -> lease.release().await().atMost(LONG));
        }
    }

    @Test
    void aMixedCaseTableIsNotConfusedWithItsLowerCaseNamesake() {
        db.exec("DROP TABLE IF EXISTS \"NamesEvents\", namesevents");
        db.exec("CREATE TABLE namesevents (id bigint PRIMARY KEY, a integer, b bigint)");
        db.exec("CREATE TABLE \"NamesEvents\" (id bigint PRIMARY KEY, a integer, b bigint)");
        db.exec("INSERT INTO \"NamesEvents\" (id, a) SELECT g, g FROM generate_series(1, 10) g");
        Optional<MigrationLease> lower = MigrationLease.tryAcquire(pool, 903, "namesevents", 0, 10)
                .await()
                .atMost(LONG);
        try {
            Optional<MigrationLease> mixed = MigrationLease.tryAcquire(pool, 904, "NamesEvents", 0, 10)
                    .await()
                    .atMost(LONG);
            mixed.ifPresent(lease -> lease.release().await().atMost(LONG));
            assertTrue(mixed.isPresent(), "the lock of NamesEvents was taken as that of namesevents");
        } finally {
            lower.ifPresent(lease -> lease.release().await().atMost(LONG));
        }
    }
}
