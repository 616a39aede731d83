package dev.bbm.engine;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import org.jboss.logging.Logger;

/**
 * Wakes one database's engine when work arrives: bbm's triggers {@code NOTIFY bbm_work} when a
 * migration is queued, resumed, retried or finalized, a non-batched job is inserted or the
 * settings change, and this session {@code LISTEN}s. A lost session is reconnected every second;
 * meanwhile the scheduler's tick still finds the work.
 *
 * <p>The session is bbm's own rather than Vert.x's {@code PgSubscriber}, so that its errors (the
 * server going down) are handled here and logged once at debug level, not printed.
 */
final class WorkNotifications {

    private static final Logger LOG = Logger.getLogger(WorkNotifications.class);

    static final String CHANNEL = "bbm_work";
    static final long RECONNECT_MILLIS = 1000;

    private final Vertx vertx;
    private final String database;
    private final PgConnectOptions options;
    private final Runnable wake;
    private volatile boolean stopped;
    private volatile PgConnection connection;

    WorkNotifications(Vertx vertx, String database, PgConnectOptions options, Runnable wake) {
        this.vertx = vertx;
        this.database = database;
        this.options = options;
        this.wake = wake;
    }

    void start() {
        if (stopped) {
            return;
        }
        PgConnection.connect(vertx, options)
                .compose(opened -> {
                    connection = opened;
                    opened.notificationHandler(notification -> {
                        if (CHANNEL.equals(notification.getChannel())) {
                            wake.run();
                        }
                    });
                    opened.exceptionHandler(e -> LOG.debugf(
                            "Database %s: the session listening for work failed: %s", database, e.getMessage()));
                    opened.closeHandler(closed -> {
                        connection = null;
                        retryLater();
                    });
                    return opened.query("LISTEN " + CHANNEL).execute().map(opened);
                })
                .onSuccess(listening -> {
                    if (stopped) {
                        listening.close();
                    } else {
                        // Work that arrived while nobody listened is found at once.
                        wake.run();
                    }
                })
                .onFailure(e -> {
                    LOG.debugf(
                            "Database %s: cannot listen for work yet (%s); the tick finds it meanwhile",
                            database, e.getMessage());
                    PgConnection failed = connection;
                    if (failed != null) {
                        failed.close(); // its close handler retries
                    } else {
                        retryLater();
                    }
                });
    }

    private void retryLater() {
        if (!stopped) {
            vertx.setTimer(RECONNECT_MILLIS, ignored -> start());
        }
    }

    void stop() {
        stopped = true;
        PgConnection open = connection;
        if (open != null) {
            open.close();
        }
    }
}
