package dev.bbm.db;

import dev.bbm.config.BbmConfig;
import dev.bbm.config.DatabaseUrls;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * The connection pool of a database configured under {@code bbm.databases.<name>} ({@code main}'s
 * is Quarkus' datasource). Connections open on first use: a database that is down when bbm starts
 * does not stop it, nor the other databases.
 */
public final class DatabasePool {

    private DatabasePool() {}

    public static Pool open(Vertx vertx, String name, BbmConfig.Database database) {
        PgConnectOptions options = connectOptions(
                database.url(),
                database.username().orElse(null),
                database.password().orElse(null));
        return Pool.newInstance(PgBuilder.pool()
                .connectingTo(options)
                .with(new PoolOptions()
                        .setMaxSize(database.maxPoolSize())
                        .setName("bbm-" + name)
                        .setShared(false))
                .using(vertx.getDelegate())
                .build());
    }

    /** How to connect to the database at {@code url}; given credentials win over the URL's. */
    public static PgConnectOptions connectOptions(String url, String username, String password) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        if (username != null) {
            options.setUser(username);
        }
        if (password != null) {
            options.setPassword(password);
        }
        return options;
    }

    /** Creates or updates bbm's bookkeeping tables in that database (blocking: Flyway uses JDBC). */
    public static void migrateSchema(BbmConfig.Database database) {
        BookkeepingSchema.migrate(
                DatabaseUrls.toJdbcUrl(database.url()),
                database.username().orElse(null),
                database.password().orElse(null));
    }
}
