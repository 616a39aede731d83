package dev.bbm.service;

import dev.bbm.db.CatalogRepository;
import dev.bbm.db.JobRepository;
import dev.bbm.db.MigrationRepository;
import dev.bbm.engine.DatabaseContext;
import dev.bbm.engine.JobSplitter;
import dev.bbm.engine.MigrationLease;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.MigrationConfiguration;
import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.migration.MigrationTransition;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What operators do to a migration (GitLab's admin actions and rake tasks). Each action is one
 * conditional status change through {@link MigrationTransition}, so concurrent actions end in a
 * valid state and an action the status does not allow is refused, never half done.
 */
public class MigrationActionService {

    private static final Logger LOG = Logger.getLogger(MigrationActionService.class);
    /** Exception classes of the timeouts after which GitLab's retry splits a batch. */
    static final Set<String> TIMEOUTS = Set.of("StatementTimeout", "LockTimeout", "QueryCanceled");

    static final Duration POLL = Duration.ofMillis(200);

    private final Pool pool;
    private final MigrationRepository migrations;
    private final JobRepository jobs;
    private final CatalogRepository catalog;
    private final MigrationService queries;

    public MigrationActionService(DatabaseContext db, MigrationService queries) {
        this.pool = db.pool();
        this.migrations = db.migrations();
        this.jobs = db.jobs();
        this.catalog = db.catalog();
        this.queries = queries;
    }

    public Uni<MigrationRow> pause(long id) {
        return move(pool, id, MigrationTransition.PAUSE).flatMap(ignored -> queries.get(id));
    }

    public Uni<MigrationRow> resume(long id) {
        return move(pool, id, MigrationTransition.RESUME).flatMap(ignored -> queries.get(id));
    }

    /**
     * Failed batches get fresh attempts (those that timed out are split in halves, as GitLab
     * does) and the migration runs again; the failed-ratio rule counts anew from now.
     */
    public Uni<MigrationRow> retry(long id) {
        return pool.withTransaction(tx -> move(tx, id, MigrationTransition.RETRY)
                        .flatMap(ignored -> migrations.find(tx, id))
                        .flatMap(migration -> splitTimedOutJobs(tx, migration.orElseThrow()))
                        .flatMap(ignored -> jobs.resetFailedAttempts(tx, id)))
                .flatMap(ignored -> queries.get(id));
    }

    /**
     * Runs every remaining batch now, ignoring the interval and the global switch (and the
     * health holds when {@code force}); blocked batches get fresh attempts.
     */
    public Uni<MigrationRow> finalize(long id, boolean force) {
        return pool.withTransaction(
                        tx -> refuseUnless(tx, id, MigrationTransition.FINALIZE, migrations.finalize(tx, id, force))
                                .flatMap(ignored -> jobs.resetFailedAttempts(tx, id)))
                .flatMap(ignored -> queries.get(id));
    }

    /** Finalizes unless the migration is finished already (finalize on a done migration is a no-op). */
    public Uni<MigrationRow> finalizeUnlessDone(long id, boolean force) {
        return queries.get(id)
                .flatMap(row ->
                        row.migration().status().isDone() ? Uni.createFrom().item(row) : finalize(id, force));
    }

    /**
     * Marks the migration finished without running what is left: every unfinished batch is
     * recorded as succeeded, and the range no batch covered yet gets one, each with a transition
     * log naming who did it. It can lose data; the caller has confirmed.
     */
    public Uni<MigrationRow> markFinished(long id, String actor) {
        String note = "Marked finished without running the batch, by " + actor + " at " + Instant.now();
        return pool.withTransaction(tx -> move(tx, id, MigrationTransition.MARK_FINISHED)
                        .flatMap(ignored -> migrations.find(tx, id))
                        // The status change above holds the migration's row, so a worker's next job is
                        // either in the furthest read here or never created (JobRepository#startNext).
                        .flatMap(migration -> jobs.furthest(tx, id).flatMap(furthest -> {
                            long to = migration.orElseThrow().maxValue();
                            if (furthest.isPresent() && furthest.get().maxValue() >= to) {
                                return Uni.createFrom().voidItem();
                            }
                            long from = furthest.map(j -> j.nextKey().getAsLong())
                                    .orElse(migration.orElseThrow().minValue());
                            return jobs.insert(tx, id, from, to, 0, 1, 0).replaceWithVoid();
                        }))
                        .flatMap(ignored -> jobs.markFinished(tx, id, note)))
                .invoke(() -> LOG.warnf(
                        "Migration %d marked finished by %s without running its remaining batches", id, actor))
                .flatMap(ignored -> queries.get(id));
    }

    /**
     * GitLab's {@code delete_batched_background_migration}: the migration, its jobs and their logs
     * are gone, unless a worker is running a batch of it (pause it first; the batch completes).
     * Logged with who did it.
     */
    public Uni<Void> delete(long id, String actor) {
        return pool.withTransaction(tx -> MigrationLease.holdForTransaction(tx, id)
                        .flatMap(free -> {
                            if (!free) {
                                throw new ServiceException.Busy("A worker is running a batch of migration " + id
                                        + "; pause it, then delete it once the batch has ended.");
                            }
                            return migrations.delete(tx, id);
                        }))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw new ServiceException.NotFound(
                                "There is no batched background migration with id " + id + ".");
                    }
                    LOG.warnf("Migration %d deleted with its jobs and logs by %s", id, actor);
                })
                .replaceWithVoid();
    }

    /** The outcome of {@link #ensureFinished}: the migration, and whether it is finished. */
    public record Ensured(MigrationRow migration, boolean finished) {}

    /**
     * GitLab's {@code ensure_batched_background_migration_is_finished}: whether the migration is
     * done; with {@code finalize} an unfinished one is finalized first and this answers once it is.
     * A finished migration stays {@code finished} (status 3): GitLab's documented check before an
     * upgrade lists every migration whose status is not 3, so bbm never writes {@code finalized}
     * (6); a row GitLab itself wrote with 6 counts as done.
     */
    public Uni<Ensured> ensureFinished(MigrationConfiguration configuration, boolean finalize, Duration timeout) {
        return queries.resolve(configuration)
                .flatMap(resolved -> migrations.findByConfiguration(pool, resolved))
                .flatMap(found -> {
                    MigrationRow row = found.orElseThrow(() -> new ServiceException.NotFound(
                            "There is no batched background migration with this configuration: " + configuration
                                    + "."));
                    long id = row.migration().id();
                    Uni<MigrationRow> settled = row.migration().status().isDone() || !finalize
                            ? Uni.createFrom().item(row)
                            : finalize(id, false).flatMap(ignored -> awaitSettled(id, timeout));
                    return settled.map(current ->
                            new Ensured(current, current.migration().status().isDone()));
                });
    }

    public Uni<MigrationRow> findByConfiguration(MigrationConfiguration configuration) {
        return queries.resolve(configuration)
                .flatMap(resolved -> migrations.findByConfiguration(pool, resolved))
                .map(found -> found.orElseThrow(() -> new ServiceException.NotFound(
                        "There is no batched background migration with this configuration: " + configuration + ".")));
    }

    /** Waits, without holding a thread, until the migration is no longer finalizing, or the timeout. */
    public Uni<MigrationRow> awaitSettled(long id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        return Multi.createBy()
                .repeating()
                .uni(() -> queries.get(id))
                .withDelay(POLL)
                .whilst(row -> row.migration().status() == MigrationStatus.FINALIZING
                        && Instant.now().isBefore(deadline))
                .collect()
                .last();
    }

    /** Applies a transition, or explains why not: 404 for no such migration, 422 for a status that forbids it. */
    private Uni<Void> move(SqlClient client, long id, MigrationTransition transition) {
        return refuseUnless(client, id, transition, migrations.transition(client, id, transition));
    }

    private Uni<Void> refuseUnless(SqlClient client, long id, MigrationTransition transition, Uni<Boolean> attempt) {
        return attempt.flatMap(moved -> moved
                ? Uni.createFrom().voidItem()
                : migrations.find(client, id).map(found -> {
                    BatchedMigration migration = found.orElseThrow(() -> new ServiceException.NotFound(
                            "There is no batched background migration with id " + id + "."));
                    throw new ServiceException.Refused(transition.refusal() + " Migration " + id + " is '"
                            + migration.status().apiName() + "'.");
                }));
    }

    private Uni<Void> splitTimedOutJobs(SqlClient tx, BatchedMigration migration) {
        return catalog.findTable(tx, migration.tableName())
                .flatMap(table -> table.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : jobs.failedWith(tx, migration.id(), TIMEOUTS)
                                .onItem()
                                .transformToMulti(failed -> Multi.createFrom().iterable(failed))
                                .onItem()
                                .transformToUniAndConcatenate(
                                        job -> JobSplitter.split(tx, jobs, migration, job, table.get()))
                                .collect()
                                .asList()
                                .replaceWithVoid());
    }
}
