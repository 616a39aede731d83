package dev.bbm.engine;

import dev.bbm.db.DatabaseOutage;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.pgclient.PgConnectOptions;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A database bbm serves: its context, and whether bbm's bookkeeping tables are there yet. Quarkus
 * creates them in {@code main} at start; in another database they are created at start when it
 * is up, else at the first tick that reaches it, so that a database that is down stops nothing.
 */
public final class ServedDatabase {

    private static final Logger LOG = Logger.getLogger(ServedDatabase.class);

    private final DatabaseContext context;
    private final DatabaseOutage outage;
    private final PgConnectOptions connectOptions;
    private final Runnable createSchema;
    private volatile boolean schemaReady;
    private volatile String schemaProblem;

    /** A database whose bookkeeping tables exist already ({@code main}: Quarkus' Flyway). */
    static ServedDatabase ready(DatabaseContext context, PgConnectOptions connectOptions) {
        return new ServedDatabase(context, connectOptions, null);
    }

    /** A database whose tables {@code createSchema} creates or updates (blocking). */
    static ServedDatabase withSchema(DatabaseContext context, PgConnectOptions connectOptions, Runnable createSchema) {
        return new ServedDatabase(context, connectOptions, createSchema);
    }

    private ServedDatabase(DatabaseContext context, PgConnectOptions connectOptions, Runnable createSchema) {
        this.context = context;
        this.connectOptions = connectOptions;
        this.outage = new DatabaseOutage(context.name(), context.pool());
        this.createSchema = createSchema;
        this.schemaReady = createSchema == null;
    }

    public String name() {
        return context.name();
    }

    public DatabaseContext context() {
        return context;
    }

    /** How to open a session of its own on this database (to LISTEN). */
    PgConnectOptions connectOptions() {
        return connectOptions;
    }

    /** Logs this database's outages, once each. */
    public DatabaseOutage outage() {
        return outage;
    }

    /** Why the bookkeeping tables could not be created yet; empty once they are there. */
    public Optional<String> schemaProblem() {
        return schemaReady ? Optional.empty() : Optional.ofNullable(schemaProblem);
    }

    /** Creates the bookkeeping tables unless they are there, on a worker thread (Flyway blocks). */
    public Uni<Void> ensureSchema() {
        if (schemaReady) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom()
                .<Void>item(() -> {
                    createSchemaNow();
                    return null;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Blocking: at start, before the first request. Failures are kept (and logged), not thrown. */
    synchronized void createSchemaNow() {
        if (schemaReady) {
            return;
        }
        try {
            createSchema.run();
            schemaReady = true;
            schemaProblem = null;
            LOG.infof("Database %s: bookkeeping tables are up to date", name());
        } catch (RuntimeException e) {
            String problem = rootMessage(e);
            if (!problem.equals(schemaProblem)) {
                LOG.warnf("Database %s: cannot create the bookkeeping tables yet: %s", name(), problem);
            }
            schemaProblem = problem;
            throw e;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
