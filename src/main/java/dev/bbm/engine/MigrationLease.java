package dev.bbm.engine;

import dev.bbm.db.Identifiers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The right to run one migration's next batch, held as PostgreSQL session advisory locks on a
 * connection of its own: a slot among the {@code database_max_running_batched_background_migrations},
 * the migration's table (one migration per table at a time) and the migration itself.
 *
 * <p>Nothing is kept in memory: when the worker's session ends (process killed, network cut) the
 * locks vanish with it, and another worker takes over at once. The locks hold no transaction
 * open, so they cost VACUUM nothing.
 */
public final class MigrationLease {

    private static final Logger LOG = Logger.getLogger(MigrationLease.class);

    /** Advisory-lock namespaces (the first key of the two-key form): "bbm" followed by a kind. */
    static final int MIGRATION_LOCKS = 0x62626D01;

    static final int TABLE_LOCKS = 0x62626D02;
    static final int SLOT_LOCKS = 0x62626D03;

    /**
     * The work a worker runs inside the server on this session stops within this long once the
     * worker's process is gone (PostgreSQL 14+ checks the client's socket while a statement runs;
     * older servers notice at the end of the call).
     */
    static final Duration CLIENT_CHECK = Duration.ofMillis(250);

    private static final String CHECK_CLIENT = "SELECT set_config('client_connection_check_interval', '"
            + CLIENT_CHECK.toMillis() + "ms', false)" + " WHERE current_setting('server_version_num')::int >= 140000";

    private final SqlConnection connection;
    private final long migrationId;

    private MigrationLease(SqlConnection connection, long migrationId) {
        this.connection = connection;
        this.migrationId = migrationId;
    }

    /**
     * Takes a slot (unless {@code slots} is 0), the table and the migration, all or nothing.
     *
     * @return the lease, or empty when a lock is held elsewhere or no slot is free
     */
    public static Uni<Optional<MigrationLease>> tryAcquire(
            Pool pool, long migrationId, String tableName, int slots, int keepaliveSeconds) {
        // One statement: the slot is the first free one (none needed when slots is 0), then the
        // table, then the migration; whatever was taken is released below when one failed. The
        // table's lock is keyed by its OID, so two spellings of one table share it. It is sent
        // together with the session's keepalive settings: one round trip.
        String sql = """
                WITH slot AS (
                    SELECT s FROM generate_series(0, $1 - 1) s WHERE pg_try_advisory_lock($2, s) LIMIT 1
                )
                SELECT ($1 = 0 OR EXISTS (SELECT 1 FROM slot))
                       AND pg_try_advisory_lock($3, coalesce(to_regclass($4)::oid::int, hashtext($4)))
                       AND pg_try_advisory_lock($5, $6::int) AS locked
                """;
        return pool.getConnection()
                .invoke(connection -> connection.exceptionHandler(
                        e -> LOG.debugf("The lease session of migration %d failed: %s", migrationId, e.getMessage())))
                .flatMap(connection -> Uni.combine()
                        .all()
                        .unis(
                                connection
                                        .query("SET tcp_keepalives_idle = " + keepaliveSeconds
                                                + "; SET tcp_keepalives_interval = "
                                                + Math.max(1, keepaliveSeconds / 2) + "; SET tcp_keepalives_count = 3; "
                                                + CHECK_CLIENT)
                                        .execute(),
                                connection
                                        .preparedQuery(sql)
                                        .execute(Tuple.of(
                                                slots,
                                                SLOT_LOCKS,
                                                TABLE_LOCKS,
                                                Identifiers.quoteTableName(tableName),
                                                MIGRATION_LOCKS,
                                                lockKey(migrationId))))
                        .collectFailures()
                        .asTuple()
                        .map(results -> Boolean.TRUE.equals(
                                results.getItem2().iterator().next().getBoolean("locked")))
                        .flatMap(locked -> locked
                                ? Uni.createFrom().item(Optional.of(new MigrationLease(connection, migrationId)))
                                : releaseAll(connection).replaceWith(Optional.<MigrationLease>empty()))
                        .onFailure()
                        .call(() -> closeQuietly(connection)));
    }

    /**
     * Takes the migration's lock for the rest of the caller's transaction, if no worker holds it:
     * while the transaction lasts, no worker can start on the migration either.
     *
     * @return whether no worker holds the migration now
     */
    public static Uni<Boolean> holdForTransaction(SqlClient transaction, long migrationId) {
        return transaction
                .preparedQuery("SELECT pg_try_advisory_xact_lock($1, $2::int) AS locked")
                .execute(Tuple.of(MIGRATION_LOCKS, lockKey(migrationId)))
                .map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    /** The second key of a migration's lock, as it appears in {@code pg_locks.objid}. */
    static int lockKey(long migrationId) {
        return (int) (migrationId % Integer.MAX_VALUE);
    }

    public long migrationId() {
        return migrationId;
    }

    /**
     * The session that holds the locks: work run on it ends with the lease (a worker whose session
     * is cut loses both at once).
     */
    SqlConnection connection() {
        return connection;
    }

    /** The server process of that session, as {@code pg_stat_activity.pid} shows it. */
    int processId() {
        return PgConnection.cast(connection).processId();
    }

    /** Gives every lock back and returns the connection to the pool. */
    public Uni<Void> release() {
        return releaseAll(connection);
    }

    private static Uni<Void> releaseAll(SqlConnection connection) {
        return connection
                .query("SELECT pg_advisory_unlock_all()")
                .execute()
                .onFailure()
                .invoke(e -> LOG.debugf("Could not release advisory locks: %s", e.getMessage()))
                .onItemOrFailure()
                .transformToUni((ok, failure) -> closeQuietly(connection));
    }

    private static Uni<Void> closeQuietly(SqlConnection connection) {
        return connection.close().onFailure().recoverWithNull();
    }
}
