package dev.bbm.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failures of the reactive PostgreSQL client mean the database cannot be reached. */
class DatabaseOutageTest {

    @Test
    void failuresToReachTheServerAreOutages() {
        assertTrue(DatabaseOutage.isOutage(new ConnectException("Connection refused")));
        assertTrue(DatabaseOutage.isOutage(new VertxException("Connection refused: /127.0.0.1:5432")));
        assertTrue(DatabaseOutage.isOutage(ClosedConnectionException.INSTANCE));
        assertTrue(DatabaseOutage.isOutage(new VertxException("Pool closed")));
        assertTrue(DatabaseOutage.isOutage(new VertxException("Closed")));
        assertTrue(DatabaseOutage.isOutage(new VertxException("Connection was closed")));
        // A request in flight when its session is cut (found by the chaos run: 500 before).
        assertTrue(DatabaseOutage.isOutage(new SocketException("Connection reset")));
        assertTrue(DatabaseOutage.isOutage(
                new IllegalStateException("Connection is not active now, current status: CLOSED")));
    }

    @Test
    void aServerGoingAwayOrNotReadyIsAnOutage() {
        assertTrue(DatabaseOutage.isOutage(pg("terminating connection due to administrator command", "57P01")));
        assertTrue(DatabaseOutage.isOutage(
                pg("terminating connection because of crash of another server process", "57P02")));
        assertTrue(DatabaseOutage.isOutage(pg("the database system is starting up", "57P03")));
        assertTrue(DatabaseOutage.isOutage(pg("connection failure", "08006")));
        assertTrue(DatabaseOutage.isOutage(pg("could not connect", "08001")));
    }

    @Test
    void anOutageIsFoundBehindWrappers() {
        assertTrue(DatabaseOutage.isOutage(
                new CompletionException(new IllegalStateException("x", new ConnectException()))));
    }

    @Test
    void aStatementTheServerRefusedIsNoOutage() {
        assertFalse(DatabaseOutage.isOutage(pg("relation \"x\" does not exist", "42P01")));
        assertFalse(DatabaseOutage.isOutage(pg("duplicate key value violates unique constraint", "23505")));
        assertFalse(DatabaseOutage.isOutage(pg("canceling statement due to statement timeout", "57014")));
        assertFalse(DatabaseOutage.isOutage(new IllegalStateException("Closed for business?")));
        assertFalse(DatabaseOutage.isOutage(new NullPointerException()));
        assertFalse(DatabaseOutage.isOutage(null));
    }

    private static PgException pg(String message, String sqlState) {
        return new PgException(message, "FATAL", sqlState, null);
    }
}
