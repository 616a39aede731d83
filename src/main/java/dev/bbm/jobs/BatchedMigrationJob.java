package dev.bbm.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.db.TableInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.List;

/**
 * A job class: what a batched background migration does to the rows of one batch.
 *
 * <p>Implement it as an {@code @ApplicationScoped} bean; {@link JobRegistry} finds it by
 * {@link #jobClassName()}. The engine cuts a batch into sub-batches and calls
 * {@link #performSubBatch} once for each, inside the transaction that also records the
 * sub-batch's progress, so a job must not commit or open transactions of its own. A retried batch
 * may run a sub-batch again: the SQL must be idempotent.
 */
public interface BatchedMigrationJob {

    /** The name operators queue it by, stored in {@code job_class_name}. */
    String jobClassName();

    /**
     * Checks {@code job_arguments} against the table, before anything is written.
     *
     * @return one message per problem, empty when the arguments are fine
     */
    List<String> validateArguments(JsonNode arguments, TableInfo table, String batchColumn);

    /**
     * Changes the rows whose {@code batchColumn} lies in {@code [from, to]}.
     *
     * @return the number of rows changed
     */
    Uni<Integer> performSubBatch(SqlClient client, SubBatch subBatch);

    /** The rows of one sub-batch and what the migration said about them. */
    record SubBatch(TableInfo table, String batchColumn, JsonNode arguments, long from, long to) {
    }
}
