package dev.bbm.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.migration.LegacyJob;
import dev.bbm.migration.LegacyJobPage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** GitLab's {@code background_migration_jobs}: the older, non-batched queue. */
@ApplicationScoped
public class LegacyJobRepository {

    private static final String COLUMNS = "id, class_name, arguments::text AS arguments_text, status, attempts,"
            + " last_error, created_at, updated_at";

    /** Pending rows of one class (null: any), after {@code afterId}, in id order. */
    private static final String PENDING_AFTER = " FROM background_migration_jobs WHERE status = " + LegacyJob.PENDING
            + " AND ($1::text IS NULL OR class_name = $1) AND id > $2";

    private final ObjectMapper json;

    public LegacyJobRepository(ObjectMapper json) {
        this.json = json;
    }

    /** GitLab's {@code remaining}: pending jobs per class, by class name. */
    public Uni<Map<String, Long>> remainingByClass(SqlClient client) {
        return client.query("SELECT class_name, count(*) AS n FROM background_migration_jobs WHERE status = "
                        + LegacyJob.PENDING + " GROUP BY class_name ORDER BY class_name")
                .execute()
                .map(rows -> {
                    Map<String, Long> byClass = new LinkedHashMap<>();
                    rows.forEach(row -> byClass.put(row.getString("class_name"), row.getLong("n")));
                    return byClass;
                });
    }

    /** GitLab's {@code BackgroundMigrationJob.pending}, of one class (null: all), a page at a time. */
    public Uni<LegacyJobPage> pending(SqlClient client, String className, int page, int perPage) {
        return client.preparedQuery("SELECT " + COLUMNS + ", count(*) OVER () AS total" + PENDING_AFTER
                        + " ORDER BY id LIMIT $3 OFFSET $4")
                .execute(Tuple.of(className, 0L, perPage, (long) (page - 1) * perPage))
                .flatMap(rows -> {
                    List<LegacyJob> jobs = new ArrayList<>();
                    long total = -1;
                    for (Row row : rows) {
                        jobs.add(job(row));
                        total = row.getLong("total");
                    }
                    return total >= 0 || page == 1
                            ? Uni.createFrom().item(new LegacyJobPage(jobs, Math.max(total, 0)))
                            : count(client, className).map(n -> new LegacyJobPage(jobs, n));
                });
    }

    private Uni<Long> count(SqlClient client, String className) {
        return client.preparedQuery("SELECT count(*)" + PENDING_AFTER)
                .execute(Tuple.of(className, 0L))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Locks the next pending job (of {@code className}, null: any) after {@code afterId} that no
     * other transaction holds, for the caller's transaction: it runs and is marked succeeded in it,
     * so two replicas never run one job twice. {@code dueOnly} skips jobs waiting for their retry
     * and jobs out of attempts, as the background runner does; an operator's steal takes them all.
     */
    public Uni<Optional<LegacyJob>> lockNext(
            SqlClient tx, String className, long afterId, boolean dueOnly, int maxAttempts) {
        return tx.preparedQuery("SELECT " + COLUMNS + PENDING_AFTER
                        + (dueOnly ? " AND attempts < $3 AND (retry_after IS NULL OR retry_after <= now())" : "")
                        + " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED")
                .execute(dueOnly ? Tuple.of(className, afterId, maxAttempts) : Tuple.of(className, afterId))
                .map(rows -> rows.iterator().hasNext()
                        ? Optional.of(job(rows.iterator().next()))
                        : Optional.empty());
    }

    /** GitLab's status 1, in the transaction that did the work. */
    public Uni<Void> succeed(SqlClient tx, long id) {
        return tx.preparedQuery("UPDATE background_migration_jobs SET status = " + LegacyJob.SUCCEEDED
                        + ", attempts = attempts + 1, last_error = NULL, retry_after = NULL, updated_at = now()"
                        + " WHERE id = $1")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /** The job stays pending with its error kept; the background runner tries it again after {@code retryIn}. */
    public Uni<Void> fail(SqlClient client, long id, String error, Duration retryIn) {
        return client.preparedQuery("UPDATE background_migration_jobs SET attempts = attempts + 1, last_error = $2,"
                        + " retry_after = now() + make_interval(secs => $3), updated_at = now()"
                        + " WHERE id = $1 AND status = " + LegacyJob.PENDING)
                .execute(Tuple.of(id, error, (double) retryIn.toMillis() / 1000))
                .replaceWithVoid();
    }

    /** Pending jobs (of one class, null: all) get fresh attempts: the operator's re-run. */
    public Uni<Void> freshAttempts(SqlClient client, String className) {
        return client.preparedQuery("UPDATE background_migration_jobs SET attempts = 0, retry_after = NULL,"
                        + " updated_at = now() WHERE status = " + LegacyJob.PENDING
                        + " AND ($1::text IS NULL OR class_name = $1) AND (attempts > 0 OR retry_after IS NOT NULL)")
                .execute(Tuple.of(className))
                .replaceWithVoid();
    }

    private LegacyJob job(Row row) {
        try {
            return new LegacyJob(
                    row.getLong("id"),
                    row.getString("class_name"),
                    json.readTree(row.getString("arguments_text")),
                    row.getInteger("status") == LegacyJob.SUCCEEDED,
                    row.getInteger("attempts"),
                    row.getString("last_error"),
                    row.getOffsetDateTime("created_at"),
                    row.getOffsetDateTime("updated_at"));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
