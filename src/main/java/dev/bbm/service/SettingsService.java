package dev.bbm.service;

import dev.bbm.db.SettingsRepository;
import dev.bbm.engine.DatabaseContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.List;

/**
 * GitLab's settings for batched background migrations of one database, stored in it: every
 * replica applies a change at its next tick, and one database's settings never touch another's.
 */
public class SettingsService {

    /** The most migrations an operator may let run at once. */
    public static final int MAX_RUNNING_LIMIT = 100;

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
    public Uni<SettingsRepository.Settings> update(Integer maxRunning, Boolean executeOnSchedule) {
        if (maxRunning != null && (maxRunning < 0 || maxRunning > MAX_RUNNING_LIMIT)) {
            return Uni.createFrom()
                    .failure(new ServiceException.InvalidInput(List.of(new FieldError(
                            "database_max_running_batched_background_migrations",
                            "must be between 0 and " + MAX_RUNNING_LIMIT))));
        }
        return settings.update(pool, maxRunning, executeOnSchedule);
    }
}
