package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The queries that cut batches and sub-batches give way to an application's lock after bbm's
 * {@code lock_timeout} (0.3 s in tests) instead of waiting in the lock queue for as long as it is held.
 */
@QuarkusTest
class CutQueryTimeoutsTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(60);
    private static final String LONGEST_LOCK_WAIT = """
            SELECT coalesce(max(extract(epoch FROM now() - a.query_start)), 0)::float8 FROM pg_stat_activity a
            WHERE a.wait_event_type = 'Lock' AND a.pid <> pg_backend_pid() AND a.query LIKE '%hops%'
            """;

    @Test
    void aBatchCutBehindAnExclusiveLockGivesWayWithinTheLockTimeout() throws InterruptedException {
        db.createCopyTable("cut_locked", 2000, 7);
        long id = admin().body(copy("cut_locked", "\"batch_size\": 500, \"interval\": 0, \"pause_ms\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        SqlConnection holder = pool.getConnection().await().atMost(LONG);
        double longest = 0;
        try {
            holder.query("BEGIN").execute().await().atMost(LONG);
            holder.query("LOCK TABLE cut_locked IN ACCESS EXCLUSIVE MODE")
                    .execute()
                    .await()
                    .atMost(LONG);
            db.engine(true, 2);
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                longest = Math.max(longest, db.rows(LONGEST_LOCK_WAIT).get(0).getDouble(0));
                Thread.sleep(50);
            }
        } finally {
            holder.query("COMMIT").execute().await().atMost(LONG);
            holder.close().await().atMost(LONG);
        }
        assertTrue(longest < 1.5, "a cut query waited " + longest + " s behind the lock");
        db.awaitStatus(id, "finished", LONG);
        assertEquals(0, db.wrongCopies("cut_locked", 2000));
        assertEquals(0, db.overlappingJobs());
    }
}
