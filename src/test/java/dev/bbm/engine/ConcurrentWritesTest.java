package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The application keeps inserting and updating the migrated table while bbm copies it. With the
 * trigger GitLab installs for an integer-to-bigint conversion (new writes keep the copy in sync),
 * the copy is exact at the end, and no application statement fails because of bbm.
 */
@QuarkusTest
class ConcurrentWritesTest extends DatabaseTestCase {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void theCopyIsExactWhileTheApplicationWritesAndNoApplicationStatementFails() throws Exception {
        db.createCopyTable("busy_events", 40_000, 9);
        db.exec("""
                CREATE OR REPLACE FUNCTION busy_events_sync() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.b := NEW.a; RETURN NEW; END $$""");
        db.exec(
                "CREATE TRIGGER sync BEFORE INSERT OR UPDATE OF a ON busy_events FOR EACH ROW EXECUTE FUNCTION busy_events_sync()");
        long id = admin().body(copy(
                        "busy_events",
                        "\"batch_size\": 2000, \"sub_batch_size\": 500, \"interval\": 0,"
                                + " \"pause_ms\": 10, \"optimize\": false"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger statements = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread writer = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(jdbcUrl);
                        PreparedStatement update = c.prepareStatement("UPDATE busy_events SET a = a + 1 WHERE id = ?");
                        PreparedStatement insert = c.prepareStatement("INSERT INTO busy_events (a) VALUES (?)");
                        Statement settings = c.createStatement()) {
                    // What a careful application sets: it would notice bbm holding its rows for long.
                    settings.execute("SET statement_timeout = '5s'");
                    while (!stop.get()) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        update.setLong(1, random.nextLong(1, 40_000));
                        update.executeUpdate();
                        insert.setInt(1, random.nextInt(1_000_000));
                        insert.executeUpdate();
                        statements.addAndGet(2);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            writer.start();
            writers.add(writer);
        }
        try {
            db.engine(true, 2);
            db.awaitStatus(id, "finished", Duration.ofSeconds(120));
        } finally {
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(10_000);
            }
        }
        assertTrue(failures.isEmpty(), "application statements failed: " + failures);
        assertTrue(statements.get() > 100, "the application kept writing: " + statements.get());
        assertEquals(0, db.count("SELECT count(*) FROM busy_events WHERE b IS DISTINCT FROM a"));
        assertEquals(0, db.overlappingJobs());
    }
}
