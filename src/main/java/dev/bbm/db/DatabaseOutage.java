package dev.bbm.db;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Tells a database that cannot be reached from one that refused a statement, and logs each outage
 * of one database once: a WARN when a request first fails for it, an INFO when the database
 * answers again. Calls in between fail quietly; the outage is already in the log. One per database.
 */
public class DatabaseOutage {

    private static final Logger LOG = Logger.getLogger(DatabaseOutage.class);

    /** How often an unreachable database is tried, to notice that it is back. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    /**
     * SQLSTATEs of a server that is going away or not there yet: class 08 (connection exception),
     * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
     */
    private static final Set<String> SERVER_GONE = Set.of("57P01", "57P02", "57P03");

    /** What the Vert.x pool and connections fail with when the server is gone, as plain messages. */
    private static final Set<String> CONNECTION_GONE = Set.of("Pool closed", "Closed", "Connection was closed");

    private final String database;
    private final Pool pool;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final AtomicBoolean checking = new AtomicBoolean();

    public DatabaseOutage(String database, Pool pool) {
        this.database = database;
        this.pool = pool;
    }

    /** Whether {@code failure}, or one of its causes, says the database cannot be reached. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException
                    || t instanceof ClosedChannelException
                    || t instanceof ClosedConnectionException
                    || t instanceof SocketException) {
                return true;
            }
            if (t instanceof DatabaseException refused
                    && refused.getSqlState() != null
                    && (refused.getSqlState().startsWith("08")
                            || SERVER_GONE.contains(refused.getSqlState())
                            || isClosedToConnections(refused))) {
                return true;
            }
            String message = t.getMessage();
            if (message != null
                    && (CONNECTION_GONE.contains(message)
                            || message.startsWith("Connection refused")
                            || message.startsWith("Connection is not active now"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * 55000 "database … is not currently accepting connections": an administrator closed it
     * ({@code ALLOW_CONNECTIONS false}); to bbm it is unreachable until it is opened again.
     */
    private static boolean isClosedToConnections(DatabaseException refused) {
        return "55000".equals(refused.getSqlState())
                && refused.getMessage() != null
                && refused.getMessage().contains("not currently accepting connections");
    }

    /**
     * A request failed because some database is unreachable: this one looks whether it is, and
     * if it is and was not yet, logs it and watches for its return.
     */
    public void check() {
        if (unreachable.get() || !checking.compareAndSet(false, true)) {
            return;
        }
        pool.query("SELECT 1")
                .execute()
                .map(rows -> (Throwable) null)
                .onFailure()
                .recoverWithItem(failure -> failure)
                .eventually(() -> checking.set(false))
                .subscribe()
                .with(failure -> {
                    if (failure != null && isOutage(failure) && unreachable.compareAndSet(false, true)) {
                        LOG.warnf(
                                "Database %s is unreachable (%s); API calls on it answer 503 until it is back",
                                database, failure.getMessage());
                        awaitRecovery();
                    }
                });
    }

    private void awaitRecovery() {
        Multi.createFrom()
                .ticks()
                .every(PROBE_INTERVAL)
                .onOverflow()
                .drop()
                .onItem()
                .transformToUniAndConcatenate(tick -> pool.query("SELECT 1")
                        .execute()
                        .map(rows -> true)
                        .onFailure()
                        .recoverWithItem(false))
                .filter(Boolean::booleanValue)
                .toUni()
                .subscribe()
                .with(back -> {
                    unreachable.set(false);
                    LOG.infof("Database %s is reachable again", database);
                });
    }
}
