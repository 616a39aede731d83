package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.db.BookkeepingSchema;
import dev.bbm.support.DatabaseTestCase;
import dev.bbm.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two databases, a context each, an engine built from each: every engine works on its own
 * database's migrations and tables and never on the other's.
 */
@QuarkusTest
class TwoDatabasesTest extends DatabaseTestCase {

    private static final String SECOND = "bbm_second";

    @Inject
    Vertx vertx;

    @Inject
    DatabaseContext main;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String reactiveUrl;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    Pool secondPool;
    Db second;

    /** The same server, another database: the URL's path names it. */
    private static String onDatabase(String url, String database) {
        return url.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    }

    @BeforeEach
    void createSecondDatabase() {
        db.exec("DROP DATABASE IF EXISTS " + SECOND + " WITH (FORCE)");
        db.exec("CREATE DATABASE " + SECOND);
        BookkeepingSchema.migrate(onDatabase(jdbcUrl, SECOND), null, null);
        secondPool = Pool.newInstance(PgBuilder.pool()
                .connectingTo(PgConnectOptions.fromUri(onDatabase(reactiveUrl, SECOND)))
                .with(new PoolOptions().setMaxSize(4))
                .using(vertx.getDelegate())
                .build());
        second = new Db(secondPool);
    }

    @AfterEach
    void dropSecondDatabase() {
        secondPool.close().await().atMost(Duration.ofSeconds(10));
        db.exec("DROP DATABASE IF EXISTS " + SECOND + " WITH (FORCE)");
    }

    @Test
    void eachDatabasesEngineRunsOnlyItsOwnMigrations() {
        // The same table name in both databases; main's migration is queued with its engine off.
        db.createCopyTable("two_db_events", 500, 7);
        long mainId = admin().body(copy("two_db_events", "\"interval\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");
        second.createCopyTable("two_db_events", 800, 0);
        second.exec("INSERT INTO batched_background_migrations (job_class_name, table_name, column_name, job_arguments,"
                + " min_value, max_value, batch_size, sub_batch_size, \"interval\", pause_ms, status)"
                + " VALUES ('CopyColumnUsingBackgroundMigrationJob', 'two_db_events', 'id', '[[\"a\"], [\"b\"]]',"
                + " 1, 800, 100, 50, 0, 0, 1)");

        BatchedMigrationEngine secondEngine =
                main.forDatabase(SECOND, secondPool, EngineMetrics.NONE).newEngine();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    secondEngine.tick().await().atMost(Duration.ofSeconds(10));
                    return second.status(1).equals("finished");
                });
        secondEngine.stop();

        assertEquals(0, second.wrongCopies("two_db_events", 800));
        assertEquals(800, second.count("SELECT sum(batch_size) FROM batched_background_migration_jobs"));
        assertEquals("active", db.status(mainId));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migration_jobs"));
        assertEquals(429, db.count("SELECT count(*) FROM two_db_events WHERE b IS NULL"));
    }
}
