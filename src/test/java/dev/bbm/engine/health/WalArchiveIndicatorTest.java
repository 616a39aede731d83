package dev.bbm.engine.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL indicator on a real PostgreSQL whose archiver fails: every switched WAL segment stays
 * waiting to be archived ({@code .ready}), as when an archive store is down.
 */
class WalArchiveIndicatorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void walFilesWaitingToBeArchivedStopAMigrationAboveTheThreshold() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(true)
                .setServerConfig("archive_mode", "on")
                .setServerConfig("archive_command", "/bin/false")
                .start()) {
            Vertx vertx = Vertx.vertx();
            Pool pool = Pool.newInstance(PgBuilder.pool()
                    .connectingTo(new PgConnectOptions()
                            .setHost("localhost")
                            .setPort(postgres.getPort())
                            .setUser("postgres")
                            .setDatabase("postgres"))
                    .using(vertx.getDelegate())
                    .build());
            try {
                assertInstanceOf(
                        HealthSignal.Normal.class,
                        new WalArchiveIndicator(2).evaluate(pool, null).await().atMost(WAIT));
                pool.query("CREATE TABLE filler (g int)").execute().await().atMost(WAIT);
                for (int i = 0; i < 4; i++) {
                    pool.query("INSERT INTO filler SELECT generate_series(1, 100)")
                            .execute()
                            .await()
                            .atMost(WAIT);
                    pool.query("SELECT pg_switch_wal()").execute().await().atMost(WAIT);
                }
                HealthSignal signal =
                        new WalArchiveIndicator(2).evaluate(pool, null).await().atMost(WAIT);
                assertInstanceOf(HealthSignal.Stop.class, signal);
                assertEquals(WalArchiveIndicator.NAME, signal.indicator());
                assertInstanceOf(
                        HealthSignal.Normal.class,
                        new WalArchiveIndicator(42).evaluate(pool, null).await().atMost(WAIT));
            } finally {
                pool.close().await().atMost(WAIT);
                vertx.close().await().atMost(WAIT);
            }
        }
    }

    @Test
    void withoutArchivingTheIndicatorIsNotAvailable() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(true)
                .start()) {
            Vertx vertx = Vertx.vertx();
            Pool pool = Pool.newInstance(PgBuilder.pool()
                    .connectingTo(new PgConnectOptions()
                            .setHost("localhost")
                            .setPort(postgres.getPort())
                            .setUser("postgres")
                            .setDatabase("postgres"))
                    .using(vertx.getDelegate())
                    .build());
            try {
                assertInstanceOf(
                        HealthSignal.NotAvailable.class,
                        new WalArchiveIndicator(2).evaluate(pool, null).await().atMost(WAIT));
            } finally {
                pool.close().await().atMost(WAIT);
                vertx.close().await().atMost(WAIT);
            }
        }
    }
}
