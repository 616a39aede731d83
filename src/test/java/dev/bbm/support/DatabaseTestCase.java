package dev.bbm.support;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@code @QuarkusTest} on the real database: each test starts with no migration and the engine
 * off (a test turns it on with {@code db.engine(true, n)}), and leaves the engine off.
 */
public abstract class DatabaseTestCase {

    @Inject
    protected Pool pool;

    protected Db db;

    @BeforeEach
    void startClean() {
        db = new Db(pool);
        db.clearMigrations();
    }

    @AfterEach
    void stopEngine() {
        db.engine(false, 2);
    }
}
