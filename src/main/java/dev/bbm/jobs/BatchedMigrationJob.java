package dev.bbm.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.db.TableInfo;
import java.util.List;

/**
 * A job class: what a batched background migration does to the rows of one batch.
 *
 * <p>Implement it as an {@code @ApplicationScoped} bean; {@link JobRegistry} finds it by
 * {@link #jobClassName()}. The engine cuts a batch into sub-batches and asks
 * {@link #subBatchStatement} for the statement of each, and runs it in the transaction that moves
 * the job's cursor, so the change and its progress commit together. A retried batch may run a
 * sub-batch again: the SQL must be idempotent.
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
     * The constants of {@code job_arguments} and the column each is written to or compared with.
     * The queue refuses a value its column cannot hold exactly (a {@code varchar(8)} would cut it,
     * a {@code numeric(5,2)} round it), so that a value is never coerced into another.
     */
    default List<ColumnValue> columnValues(JsonNode arguments) {
        return List.of();
    }

    /**
     * The statement that changes the rows whose {@code batchColumn} lies in {@code [from, to]}: one
     * {@code UPDATE}, {@code DELETE} or {@code INSERT … SELECT}, with its values bound as
     * parameters. The rows it reports changed are the sub-batch's {@code affected_rows}.
     */
    SubBatchStatement subBatchStatement(SubBatch subBatch);

    /** A constant of the job arguments and the column that takes it. */
    record ColumnValue(String column, String value) {}

    /** The rows of one sub-batch and what the migration said about them. */
    record SubBatch(TableInfo table, String batchColumn, JsonNode arguments, long from, long to) {}

    /**
     * A data-modifying statement and its parameters ({@code $1}, {@code $2}, … in order).
     *
     * @param sql    the statement
     * @param params the values of its parameters
     */
    record SubBatchStatement(String sql, List<Object> params) {

        public SubBatchStatement {
            params = List.copyOf(params);
        }
    }
}
