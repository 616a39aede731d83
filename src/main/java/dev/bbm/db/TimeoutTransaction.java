package dev.bbm.db;

import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one of bbm's reads or writes on the migrated table in a transaction of its own whose
 * {@code statement_timeout} and {@code lock_timeout} are bbm's: behind an application's lock it
 * gives way after the lock timeout instead of waiting in the lock queue (and making everyone
 * queued behind it wait too).
 *
 * <p>{@code BEGIN}, the timeouts, the work and {@code COMMIT} are sent together on one
 * connection, so this costs no round trip more than the work alone. When the work fails, the
 * {@code COMMIT} rolls back and the work's failure is the result.
 */
public final class TimeoutTransaction {

    private TimeoutTransaction() {}

    /** Sets the timeouts for the rest of the caller's transaction. */
    public static Uni<Void> set(SqlClient transaction, Duration statementTimeout, Duration lockTimeout) {
        return transaction
                .preparedQuery("SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)")
                .execute(Tuple.of(statementTimeout.toMillis() + "ms", lockTimeout.toMillis() + "ms"))
                .replaceWithVoid();
    }

    /** @param work statements on the given connection, all sent when it is subscribed (not chained one after
     *     another: the {@code COMMIT} follows what was sent then) */
    public static <T> Uni<T> run(
            Pool pool, Duration statementTimeout, Duration lockTimeout, Function<SqlClient, Uni<T>> work) {
        return pool.withConnection(connection -> {
            Uni<Object> begin = connection.query("BEGIN").execute().map(Object.class::cast);
            Uni<Object> timeouts =
                    set(connection, statementTimeout, lockTimeout).map(Object.class::cast);
            Uni<Object> result = work.apply(connection).map(Object.class::cast);
            Uni<Object> commit = connection.query("COMMIT").execute().map(Object.class::cast);
            return Uni.join()
                    .all(List.of(begin, timeouts, result, commit))
                    .andCollectFailures()
                    .onFailure(CompositeException.class)
                    .transform(e -> ((CompositeException) e).getCauses().get(0))
                    .map(results -> {
                        @SuppressWarnings("unchecked")
                        T value = (T) results.get(2);
                        return value;
                    });
        });
    }
}
