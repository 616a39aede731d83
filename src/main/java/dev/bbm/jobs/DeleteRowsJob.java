package dev.bbm.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.db.Identifiers;
import dev.bbm.db.TableInfo;
import dev.bbm.jobs.ColumnValueArguments.Part;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the rows of the batch where every named column equals its value,
 * {@code [["state"], ["archived"]]}: a condition of columns and bound values, never free SQL.
 */
@ApplicationScoped
public class DeleteRowsJob implements BatchedMigrationJob {

    public static final String NAME = "DeleteRowsJob";
    private static final String EXAMPLE = "[[\"state\"], [\"archived\"]]";

    @Override
    public String jobClassName() {
        return NAME;
    }

    @Override
    public List<String> validateArguments(JsonNode arguments, TableInfo table, String batchColumn) {
        return ColumnValueArguments.validate(
                arguments, table, batchColumn, EXAMPLE, Part.read("condition column"), Part.CONSTANTS);
    }

    @Override
    public List<ColumnValue> columnValues(JsonNode arguments) {
        return ColumnValueArguments.pairs(arguments);
    }

    @Override
    public SubBatchStatement subBatchStatement(SubBatch subBatch) {
        JsonNode columns = subBatch.arguments().get(0);
        JsonNode values = subBatch.arguments().get(1);
        List<String> conditions = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i).asText();
            constants.add(values.get(i).asText());
            conditions.add(Identifiers.quote(column) + " = "
                    + ColumnValueArguments.constant(constants.size(), subBatch.table(), column));
        }
        String sql = "DELETE FROM " + subBatch.table().qualifiedName()
                + " WHERE " + Identifiers.quote(subBatch.batchColumn()) + " BETWEEN $1 AND $2"
                + " AND " + String.join(" AND ", conditions);
        return new SubBatchStatement(sql, constants);
    }
}
