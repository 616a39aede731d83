package dev.bbm.engine;

import dev.bbm.db.DatabaseOutage;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.Map;

/**
 * What went wrong with a batch, in the terms GitLab's runner acts on: a timeout (retry with
 * smaller sub-batches, then split), a permanent error (no retry helps: the table or a column is
 * gone) or any other error (retry as is).
 *
 * @param exceptionClass a stable name for the transition log, never a Java class name
 */
public record JobFailure(Kind kind, String exceptionClass, String message) {

    public enum Kind {
        TIMEOUT,
        PERMANENT,
        RETRIABLE
    }

    /** SQLSTATEs whose retry cannot succeed, with the names the transition log uses. */
    private static final Map<String, String> PERMANENT = Map.of(
            "42P01", "UndefinedTable",
            "42703", "UndefinedColumn",
            "42501", "InsufficientPrivilege",
            "42883", "UndefinedFunction",
            "42804", "DatatypeMismatch");

    /** The worker running the job stopped: its process died or its session was cut. */
    public static JobFailure workerLost() {
        return new JobFailure(
                Kind.RETRIABLE,
                "WorkerLost",
                "The worker running this batch stopped (its database session ended); the batch is retried.");
    }

    /**
     * A sub-batch run inside the server went past the statement timeout, and bbm cancelled it
     * (PostgreSQL's own timer covers a whole procedure call, not one of its transactions).
     */
    public static JobFailure statementTimeout(java.time.Duration timeout) {
        return new JobFailure(
                Kind.TIMEOUT,
                "StatementTimeout",
                "canceling statement due to statement timeout: a sub-batch ran longer than " + timeout.toMillis()
                        + " ms, and bbm cancelled it");
    }

    public static JobFailure unknownJobClass(String name) {
        return new JobFailure(
                Kind.PERMANENT,
                "UnknownJobClass",
                "The job class '" + name + "' is not known to this bbm; the migration cannot run.");
    }

    public static JobFailure missingTable(String table) {
        return new JobFailure(Kind.PERMANENT, "UndefinedTable", "The table '" + table + "' does not exist any more.");
    }

    public static JobFailure of(Throwable error) {
        if (error instanceof PgException pg) {
            String state = pg.getSqlState();
            String message = pg.getErrorMessage();
            if ("57014".equals(state)) {
                boolean statementTimeout = message != null && message.contains("statement timeout");
                return new JobFailure(Kind.TIMEOUT, statementTimeout ? "StatementTimeout" : "QueryCanceled", message);
            }
            if ("55P03".equals(state)) {
                return new JobFailure(Kind.TIMEOUT, "LockTimeout", message);
            }
            if ("40P01".equals(state)) {
                return new JobFailure(Kind.RETRIABLE, "DeadlockDetected", message);
            }
            if (PERMANENT.containsKey(state)) {
                return new JobFailure(Kind.PERMANENT, PERMANENT.get(state), message);
            }
            return new JobFailure(Kind.RETRIABLE, "DatabaseError " + state, message);
        }
        if (error instanceof VertxException || error instanceof IOException || DatabaseOutage.isOutage(error)) {
            return new JobFailure(Kind.RETRIABLE, "ConnectionError", String.valueOf(error.getMessage()));
        }
        return new JobFailure(Kind.RETRIABLE, "InternalError", String.valueOf(error.getMessage()));
    }
}
