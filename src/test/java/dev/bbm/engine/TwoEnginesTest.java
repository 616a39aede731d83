package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines, each with its own connection pool, on one database: the application's own and a
 * second one this test ticks much faster. They coordinate through PostgreSQL alone.
 */
@QuarkusTest
class TwoEnginesTest extends DatabaseTestCase {

    @Inject
    Vertx vertx;

    @Inject
    DatabaseContext main;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    Pool otherPool;

    @BeforeEach
    void startSecondPool() {
        otherPool = Pool.newInstance(PgBuilder.pool()
                .connectingTo(PgConnectOptions.fromUri(url))
                .with(new PoolOptions().setMaxSize(6))
                .using(vertx.getDelegate())
                .build());
    }

    @AfterEach
    void closeSecondPool() {
        otherPool.close().await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void twoEnginesShareTheWorkWithoutEverOverlappingAJobRange() {
        List<Long> ids = new ArrayList<>();
        for (String table : List.of("two_a", "two_b", "two_c")) {
            db.createCopyTable(table, 3000, 5);
            // interval 1 s: a worker lets go after each batch, so both engines keep competing.
            ids.add(admin().body(copy(
                            table, "\"batch_size\": 100, \"sub_batch_size\": 50, \"interval\": 1, \"pause_ms\": 0"))
                    .post(MIGRATIONS)
                    .then()
                    .statusCode(201)
                    .extract()
                    .<Integer>path("id")
                    .longValue());
        }
        BatchedMigrationEngine second = main.forDatabase(DatabaseContext.MAIN, otherPool, EngineMetrics.NONE)
                .newEngine();
        AtomicBoolean secondWorked = new AtomicBoolean();
        db.engine(true, 3);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    second.tick().await().atMost(Duration.ofSeconds(10));
                    if (!second.running().isEmpty()) {
                        secondWorked.set(true);
                    }
                    return ids.stream().allMatch(id -> db.status(id).equals("finished"));
                });
        second.stop();

        assertTrue(secondWorked.get(), "the second engine ran batches too");
        assertEquals(0, db.overlappingJobs());
        for (String table : List.of("two_a", "two_b", "two_c")) {
            assertEquals(0, db.wrongCopies(table, 3000));
        }
        assertEquals(3 * 2400, db.count("SELECT sum(batch_size) FROM batched_background_migration_jobs"));
    }
}
