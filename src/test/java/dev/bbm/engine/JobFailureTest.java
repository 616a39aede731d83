package dev.bbm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.engine.JobFailure.Kind;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a batch's error decides its retry: GitLab's timeout, permanent and retriable kinds. */
class JobFailureTest {

    private static PgException pg(String sqlState, String message) {
        return new PgException(message, "ERROR", sqlState, null);
    }

    @ParameterizedTest(name = "{0} {1} → {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            57014 | canceling statement due to statement timeout | TIMEOUT   | StatementTimeout
            57014 | canceling statement due to user request      | TIMEOUT   | QueryCanceled
            55P03 | canceling statement due to lock timeout      | TIMEOUT   | LockTimeout
            40P01 | deadlock detected                            | RETRIABLE | DeadlockDetected
            42P01 | relation "events" does not exist             | PERMANENT | UndefinedTable
            42703 | column "b" does not exist                    | PERMANENT | UndefinedColumn
            42501 | permission denied for table events           | PERMANENT | InsufficientPrivilege
            42883 | operator does not exist: json = json         | PERMANENT | UndefinedFunction
            42804 | column "b" is of type bigint                 | PERMANENT | DatatypeMismatch
            23505 | duplicate key value violates unique constraint | RETRIABLE | DatabaseError 23505
            """)
    void aDatabaseErrorIsClassifiedByItsSqlState(String sqlState, String message, Kind kind, String exceptionClass) {
        JobFailure failure = JobFailure.of(pg(sqlState, message));
        assertEquals(kind, failure.kind());
        assertEquals(exceptionClass, failure.exceptionClass());
        assertEquals(message, failure.message());
    }

    @Test
    void aLostConnectionIsRetriedAndNamedWithoutJava() {
        assertEquals(
                new JobFailure(Kind.RETRIABLE, "ConnectionError", "Connection reset"),
                JobFailure.of(new VertxException("Connection reset", true)));
        assertEquals(
                Kind.RETRIABLE, JobFailure.of(new IOException("Broken pipe")).kind());
        assertEquals(
                "ConnectionError", JobFailure.of(new IOException("Broken pipe")).exceptionClass());
    }

    @Test
    void aConnectionThePoolClosedIsAConnectionError() {
        JobFailure failure =
                JobFailure.of(new IllegalStateException("Connection is not active now, current status: CLOSED"));
        assertEquals(Kind.RETRIABLE, failure.kind());
        assertEquals("ConnectionError", failure.exceptionClass());
    }

    @Test
    void anyOtherErrorIsRetriedAsAnInternalError() {
        JobFailure failure = JobFailure.of(new IllegalStateException("boom"));
        assertEquals(Kind.RETRIABLE, failure.kind());
        assertEquals("InternalError", failure.exceptionClass());
        assertEquals("boom", failure.message());
    }

    @Test
    void aMigrationThatCannotRunFailsPermanently() {
        assertEquals(
                Kind.PERMANENT, JobFailure.unknownJobClass("DropEverythingJob").kind());
        assertEquals(Kind.PERMANENT, JobFailure.missingTable("events").kind());
        assertEquals("UndefinedTable", JobFailure.missingTable("events").exceptionClass());
        assertEquals(Kind.RETRIABLE, JobFailure.workerLost().kind());
        assertEquals("WorkerLost", JobFailure.workerLost().exceptionClass());
    }
}
