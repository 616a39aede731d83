package dev.bbm.service;

import dev.bbm.db.SettingsRepository;
import dev.bbm.engine.DatabaseContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * GitLab's settings for batched background migrations of one database, stored in it: every
 * replica applies a change at its next tick, and one database's settings never touch another's.
 */
public class SettingsService {

    /** The most migrations an operator may let run at once. */
    public static final int MAX_RUNNING_LIMIT = 100;

    /** The largest impact budget: the application may get ten times slower. */
    public static final int IMPACT_BUDGET_LIMIT = 1000;

    private final Pool pool;
    private final SettingsRepository settings;

    public SettingsService(DatabaseContext db) {
        this.pool = db.pool();
        this.settings = db.applicationSettings();
    }

    public Uni<SettingsRepository.Settings> get() {
        return settings.get(pool);
    }

    /** Changes what is given (null keeps a value). */
    public Uni<SettingsRepository.Settings> update(
            Integer maxRunning, Boolean executeOnSchedule, Integer impactBudgetPercent) {
        List<FieldError> errors = new ArrayList<>();
        if (maxRunning != null && (maxRunning < 0 || maxRunning > MAX_RUNNING_LIMIT)) {
            errors.add(new FieldError(
                    "database_max_running_batched_background_migrations",
                    "must be between 0 and " + MAX_RUNNING_LIMIT));
        }
        if (impactBudgetPercent != null && (impactBudgetPercent < 0 || impactBudgetPercent > IMPACT_BUDGET_LIMIT)) {
            errors.add(new FieldError(
                    "batched_migrations_impact_budget_percent", "must be between 0 (off) and " + IMPACT_BUDGET_LIMIT));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(new ServiceException.InvalidInput(errors));
        }
        return settings.update(pool, maxRunning, executeOnSchedule, impactBudgetPercent);
    }
}
