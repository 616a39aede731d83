package dev.bbm.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.db.Identifiers;
import dev.bbm.db.TableInfo;
import dev.bbm.jobs.ColumnValueArguments.Part;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets columns to constants where they are NULL, {@code [["status"], [0]]}. The constants are
 * bound parameters; the queue refuses a constant its column cannot hold exactly.
 */
@ApplicationScoped
public class BackfillColumnJob implements BatchedMigrationJob {

    public static final String NAME = "BackfillColumnJob";
    private static final String EXAMPLE = "[[\"status\"], [0]]";

    @Override
    public String jobClassName() {
        return NAME;
    }

    @Override
    public List<String> validateArguments(JsonNode arguments, TableInfo table, String batchColumn) {
        return ColumnValueArguments.validate(
                arguments, table, batchColumn, EXAMPLE, Part.written("column"), Part.CONSTANTS);
    }

    @Override
    public List<ColumnValue> columnValues(JsonNode arguments) {
        return ColumnValueArguments.pairs(arguments);
    }

    @Override
    public SubBatchStatement subBatchStatement(SubBatch subBatch) {
        JsonNode columns = subBatch.arguments().get(0);
        JsonNode values = subBatch.arguments().get(1);
        List<String> assignments = new ArrayList<>();
        List<String> anyNull = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i).asText();
            String quoted = Identifiers.quote(column);
            constants.add(values.get(i).asText());
            // COALESCE keeps a column that is already set when another one of the row is NULL.
            assignments.add(quoted + " = COALESCE(" + quoted + ", "
                    + ColumnValueArguments.constant(constants.size(), subBatch.table(), column) + ")");
            anyNull.add(quoted + " IS NULL");
        }
        String sql = "UPDATE " + subBatch.table().qualifiedName() + " SET " + String.join(", ", assignments)
                + " WHERE " + Identifiers.quote(subBatch.batchColumn()) + " BETWEEN $1 AND $2"
                + " AND (" + String.join(" OR ", anyNull) + ")";
        return new SubBatchStatement(sql, constants);
    }
}
