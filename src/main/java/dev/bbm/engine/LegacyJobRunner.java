package dev.bbm.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bbm.db.LegacyJobRepository;
import dev.bbm.db.TimeoutTransaction;
import dev.bbm.jobs.BatchedMigrationJob;
import dev.bbm.jobs.JobRegistry;
import dev.bbm.migration.LegacyJob;
import dev.bbm.migration.LegacyOutcome;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Runs jobs of GitLab's older, non-batched queue ({@code background_migration_jobs}) on one
 * database. A job runs in one transaction that holds its row's lock ({@code FOR UPDATE SKIP
 * LOCKED}), does the work and marks it succeeded: it commits whole or not at all, and two replicas
 * never run it twice. A failure rolls back, and the job stays pending with its error kept, to be
 * tried again after a pause, up to the engine's attempts; then it waits for an operator.
 */
public final class LegacyJobRunner {

    private static final Logger LOG = Logger.getLogger(LegacyJobRunner.class);

    private final Pool pool;
    private final LegacyJobRepository jobs;
    private final JobRegistry registry;
    private final JobArgumentsCheck check;
    private final EngineConfig config;
    private final String database;
    private final AtomicInteger running = new AtomicInteger();

    LegacyJobRunner(DatabaseContext db) {
        this.pool = db.pool();
        this.jobs = db.legacyJobs();
        this.registry = db.registry();
        this.check = new JobArgumentsCheck(db);
        this.config = db.settings();
        this.database = db.name();
    }

    /** The runner of {@code db}'s non-batched queue (one per engine, one more per operator request). */
    public static LegacyJobRunner of(DatabaseContext db) {
        return new LegacyJobRunner(db);
    }

    /**
     * The background's share at a tick: up to the configured number of workers, each running due
     * jobs one after another until none is left; returns at once.
     */
    void startDue() {
        while (running.get() < config.legacyConcurrency()) {
            running.incrementAndGet();
            runDueFrom(0)
                    .onTermination()
                    .invoke(running::decrementAndGet)
                    .subscribe()
                    .with(
                            ignored -> {},
                            e -> LOG.warnf("Database %s: non-batched queue: %s", database, e.getMessage()));
        }
    }

    private Uni<Void> runDueFrom(long afterId) {
        return runNext(null, afterId, true)
                .flatMap(ran -> ran.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : runDueFrom(ran.get().id()));
    }

    /**
     * GitLab's {@code steal}: runs every pending job of {@code className} (null: every class) now,
     * each once, in id order, and reports what happened; jobs another replica is running are left
     * to it.
     */
    public Uni<LegacyOutcome> runAll(String className) {
        List<LegacyOutcome.Failure> failures = new ArrayList<>();
        AtomicInteger succeeded = new AtomicInteger();
        return runFrom(className, 0, succeeded, failures)
                .flatMap(ignored -> jobs.remainingByClass(pool))
                .map(remaining -> new LegacyOutcome(
                        className,
                        succeeded.get(),
                        failures.size(),
                        className == null
                                ? remaining.values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum()
                                : remaining.getOrDefault(className, 0L),
                        failures));
    }

    private Uni<Void> runFrom(
            String className, long afterId, AtomicInteger succeeded, List<LegacyOutcome.Failure> failures) {
        return runNext(className, afterId, false).flatMap(ran -> {
            if (ran.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Ran job = ran.get();
            if (job.error() == null) {
                succeeded.incrementAndGet();
            } else {
                failures.add(new LegacyOutcome.Failure(job.id(), job.error()));
            }
            return runFrom(className, job.id(), succeeded, failures);
        });
    }

    /** One job that ran: its id, and its error when it failed. */
    record Ran(long id, String error) {}

    /** Runs the next pending job after {@code afterId}; empty when there is none to take. */
    Uni<Optional<Ran>> runNext(String className, long afterId, boolean dueOnly) {
        AtomicReference<LegacyJob> taken = new AtomicReference<>();
        return pool.withTransaction(tx -> jobs.lockNext(tx, className, afterId, dueOnly, config.maxAttempts())
                        .flatMap(next -> {
                            if (next.isEmpty()) {
                                return Uni.createFrom().item(Optional.<Ran>empty());
                            }
                            LegacyJob job = next.get();
                            taken.set(job);
                            return TimeoutTransaction.set(tx, config.statementTimeout(), config.lockTimeout())
                                    .flatMap(ignored -> statement(job))
                                    .flatMap(bound -> JobArgumentsCheck.inOrder(
                                            tx, bound.statements(), Tuple.from(bound.params())))
                                    .flatMap(ignored -> jobs.succeed(tx, job.id()))
                                    .map(ignored -> Optional.of(new Ran(job.id(), null)));
                        }))
                .onFailure(e -> taken.get() != null)
                .recoverWithUni(e -> {
                    LegacyJob job = taken.get();
                    String error = e instanceof JobArgumentsCheck.Refused || e instanceof IllegalArgumentException
                            ? e.getMessage()
                            : e.getClass().getSimpleName() + ": " + e.getMessage();
                    LOG.infof(
                            "Database %s: job %d (%s) of the non-batched queue failed: %s",
                            database, job.id(), job.className(), error);
                    return jobs.fail(
                                    pool,
                                    job.id(),
                                    error,
                                    config.legacyRetryBackoff().multipliedBy(job.attempts() + 1))
                            .map(ignored -> Optional.of(new Ran(job.id(), error)));
                });
    }

    /**
     * The job's statement over its whole range, after the checks a queued migration gets. Its
     * arguments are {@code [table_name, column_name, min_value, max_value, job_arguments]}.
     */
    private Uni<Bound> statement(LegacyJob job) {
        JsonNode args = job.arguments();
        if (!args.isArray()
                || args.size() < 4
                || args.size() > 5
                || !args.get(0).isTextual()
                || !args.get(1).isTextual()
                || !args.get(2).canConvertToLong()
                || !args.get(3).canConvertToLong()
                || (args.size() == 5 && !args.get(4).isArray())) {
            return Uni.createFrom()
                    .failure(new IllegalArgumentException("arguments must be [table_name, column_name, min_value,"
                            + " max_value, job_arguments] (job_arguments an array, may be left out), not " + args));
        }
        Optional<BatchedMigrationJob> jobClass = registry.find(job.className());
        if (jobClass.isEmpty()) {
            return Uni.createFrom()
                    .failure(new IllegalArgumentException("class_name '" + job.className()
                            + "' is not a job class bbm knows (" + String.join(", ", registry.names()) + ")"));
        }
        String table = args.get(0).asText();
        String column = args.get(1).asText();
        long from = args.get(2).asLong();
        long to = args.get(3).asLong();
        JsonNode jobArguments = args.size() == 5 ? args.get(4) : JsonNodeFactory.instance.arrayNode();
        return check.find(table)
                .flatMap(found -> check.check(jobClass.get(), table, column, jobArguments, found))
                .map(found -> {
                    var statement = jobClass.get()
                            .subBatchStatement(new BatchedMigrationJob.SubBatch(found, column, jobArguments));
                    return new Bound(statement.statements(), statement.params(from, to));
                });
    }

    /** A statement with its parameters. */
    private record Bound(List<String> statements, List<Object> params) {}
}
