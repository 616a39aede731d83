package dev.bbm.service;

import dev.bbm.db.LegacyJobRepository;
import dev.bbm.engine.DatabaseContext;
import dev.bbm.engine.LegacyJobRunner;
import dev.bbm.migration.LegacyJobPage;
import dev.bbm.migration.LegacyOutcome;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.List;
import java.util.Map;

/**
 * GitLab's operations on the older, non-batched background migrations of one database:
 * {@code Gitlab::BackgroundMigration.remaining}, {@code BackgroundMigrationJob.pending},
 * {@code steal} and the runbook's re-run of pending jobs.
 */
public class LegacyQueueService {

    private final Pool pool;
    private final LegacyJobRepository jobs;
    private final LegacyJobRunner runner;

    public LegacyQueueService(DatabaseContext db) {
        this.pool = db.pool();
        this.jobs = db.legacyJobs();
        this.runner = LegacyJobRunner.of(db);
    }

    /** Pending jobs per class. */
    public Uni<Map<String, Long>> remaining() {
        return jobs.remainingByClass(pool);
    }

    /** Pending jobs, oldest first, of one class (null: all). */
    public Uni<LegacyJobPage> pending(String className, int page, int perPage) {
        return jobs.pending(pool, className, page, perPage);
    }

    /** GitLab's {@code steal}: runs the class's pending jobs now, in this request, each once. */
    public Uni<LegacyOutcome> steal(String className) {
        if (className == null || className.isBlank()) {
            return Uni.createFrom()
                    .failure(new ServiceException.InvalidInput(
                            List.of(new FieldError("class_name", "must name the job class to steal"))));
        }
        return runner.runAll(className);
    }

    /**
     * The runbook's re-run of pending jobs (of one class, null: all): fresh attempts for each, then
     * each runs now, in this request.
     */
    public Uni<LegacyOutcome> retryPending(String className) {
        return jobs.freshAttempts(pool, className).flatMap(ignored -> runner.runAll(className));
    }
}
