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
     * The statement that changes the rows whose {@code batchColumn} lies in a sub-batch's bounds:
     * one {@code UPDATE}, {@code DELETE} or {@code INSERT … SELECT}, the bounds {@code $1} and
     * {@code $2}, the constants of the job arguments in the {@code text[]} {@code $3} (see
     * {@link SubBatchStatement}). One statement serves every sub-batch of the migration, run by bbm
     * or by bbm's procedure inside the server. The rows it reports changed are the sub-batch's
     * {@code affected_rows}.
     */
    SubBatchStatement subBatchStatement(SubBatch subBatch);

    /** A constant of the job arguments and the column that takes it. */
    record ColumnValue(String column, String value) {}

    /** The rows a migration's sub-batches change and what the migration said about them. */
    record SubBatch(TableInfo table, String batchColumn, JsonNode arguments) {}

    /**
     * The data-modifying statements of a sub-batch, run in order in its transaction, over the keys
     * {@code $1} to {@code $2} (inclusive), with the constants they need as text in the array
     * {@code $3}, each cast to its column's type where it is used
     * ({@code ($3::text[])[1]::numeric(5,2)}). A statement without constants has only {@code $1}
     * and {@code $2}. The sub-batch's {@code affected_rows} are the rows they changed together.
     *
     * @param statements one or more statements
     * @param values     the constants, in the order {@code $3} holds them
     */
    record SubBatchStatement(List<String> statements, List<String> values) {

        public SubBatchStatement {
            statements = List.copyOf(statements);
            values = List.copyOf(values);
            if (statements.isEmpty()) {
                throw new IllegalArgumentException("a sub-batch needs at least one statement");
            }
        }

        /** One statement. */
        public SubBatchStatement(String sql, List<String> values) {
            this(List.of(sql), values);
        }

        /** The SQL for the {@code index}th constant (from 1), cast to {@code type}. */
        public static String constant(int index, String type) {
            return "($3::text[])[" + index + "]::" + type;
        }

        /** The parameters of the sub-batch {@code [from, to]}. */
        public List<Object> params(long from, long to) {
            return values.isEmpty() ? List.of(from, to) : List.of(from, to, values.toArray(String[]::new));
        }
    }
}
