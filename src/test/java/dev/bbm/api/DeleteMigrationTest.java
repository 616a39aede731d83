package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static dev.bbm.support.Api.reader;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.engine.MigrationLease;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GitLab's delete_batched_background_migration, as an admin DELETE. */
@QuarkusTest
class DeleteMigrationTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(60);

    private long queue(String table, String extra) {
        return admin().body(copy(table, extra))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
    }

    private long rowsOf(long id) {
        return db.count("SELECT count(*) FROM batched_background_migrations WHERE id = $1", id)
                + db.count(
                        "SELECT count(*) FROM batched_background_migration_jobs WHERE batched_background_migration_id = $1",
                        id)
                + db.count(
                        "SELECT count(*) FROM batched_background_migration_job_transition_logs l"
                                + " JOIN batched_background_migration_jobs j ON j.id = l.batched_background_migration_job_id"
                                + " WHERE j.batched_background_migration_id = $1",
                        id);
    }

    @Test
    void deletingAMigrationRemovesItWithItsJobsAndLogsAndNothingElse() {
        db.createCopyTable("delete_me", 2000, 0);
        db.createCopyTable("delete_kept", 500, 0);
        long id = queue("delete_me", "\"batch_size\": 100, \"sub_batch_size\": 50, \"interval\": 0, \"pause_ms\": 0");
        long kept = queue("delete_kept", "\"interval\": 0");
        db.engine(true, 2);
        db.awaitStatus(id, "finished", LONG);
        db.awaitStatus(kept, "finished", LONG);
        long keptRows = rowsOf(kept);
        assertTrue(rowsOf(id) > 20);

        admin().delete(MIGRATIONS + "/" + id).then().statusCode(204);

        assertEquals(0, rowsOf(id));
        assertEquals(keptRows, rowsOf(kept));
        admin().get(MIGRATIONS + "/" + id).then().statusCode(404);
        admin().delete(MIGRATIONS + "/" + id).then().statusCode(404).contentType("application/problem+json");
        // The data the migration wrote stays: deleting the bookkeeping does not undo the work.
        assertEquals(0, db.wrongCopies("delete_me", 2000));
    }

    @Test
    void aMigrationAWorkerIsRunningIsNotDeleted() {
        db.createCopyTable("delete_busy", 500, 0);
        long id = queue("delete_busy", "\"interval\": 0");
        // A worker holds the migration's lease, as one does while it runs a batch.
        Optional<MigrationLease> lease = MigrationLease.tryAcquire(pool, id, "delete_busy", 0, 10)
                .await()
                .atMost(LONG);
        try {
            assertTrue(lease.isPresent());
            admin().delete(MIGRATIONS + "/" + id)
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString("pause it"));
            assertEquals(1, db.count("SELECT count(*) FROM batched_background_migrations WHERE id = $1", id));
        } finally {
            lease.ifPresent(l -> l.release().await().atMost(LONG));
        }
        admin().delete(MIGRATIONS + "/" + id).then().statusCode(204);
    }

    @Test
    void aReadTokenCannotDelete() {
        db.createCopyTable("delete_read", 100, 0);
        long id = queue("delete_read", "\"interval\": 0");
        reader().delete(MIGRATIONS + "/" + id).then().statusCode(403);
        assertEquals(1, db.count("SELECT count(*) FROM batched_background_migrations WHERE id = $1", id));
    }
}
