package dev.bbm.engine;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.jboss.logging.Logger;

/**
 * Wakes one database's engine when work arrives: bbm's triggers {@code NOTIFY bbm_work} when a
 * migration is queued, resumed, retried or finalized, a non-batched job is inserted or the
 * settings change, and this session {@code LISTEN}s. A lost session is reconnected every second;
 * meanwhile the scheduler's tick still finds the work.
 */
final class WorkNotifications {

    private static final Logger LOG = Logger.getLogger(WorkNotifications.class);

    static final String CHANNEL = "bbm_work";
    static final long RECONNECT_MILLIS = 1000;

    private final Vertx vertx;
    private final String database;
    private final PgSubscriber subscriber;
    private volatile boolean stopped;

    WorkNotifications(Vertx vertx, String database, PgConnectOptions options, Runnable wake) {
        this.vertx = vertx;
        this.database = database;
        this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> RECONNECT_MILLIS);
        subscriber.channel(CHANNEL).handler(payload -> wake.run());
    }

    void start() {
        subscriber.connect().onComplete(connected -> {
            if (connected.failed() && !stopped) {
                LOG.debugf(
                        "Database %s: cannot listen for work yet (%s); the tick finds it meanwhile",
                        database, connected.cause().getMessage());
                vertx.setTimer(RECONNECT_MILLIS, ignored -> start());
            }
        });
    }

    void stop() {
        stopped = true;
        subscriber.close();
    }
}
