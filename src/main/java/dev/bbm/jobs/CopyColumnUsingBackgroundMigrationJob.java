package dev.bbm.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.db.Identifiers;
import dev.bbm.db.TableInfo;
import dev.bbm.jobs.ColumnValueArguments.Part;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * GitLab's integer-to-bigint helper: copies each source column into its target column,
 * {@code [["event_id"], ["event_id_convert_to_bigint"]]}. Copying again is harmless.
 */
@ApplicationScoped
public class CopyColumnUsingBackgroundMigrationJob implements BatchedMigrationJob {

    public static final String NAME = "CopyColumnUsingBackgroundMigrationJob";
    private static final String EXAMPLE = "[[\"id\"], [\"id_convert_to_bigint\"]]";

    @Override
    public String jobClassName() {
        return NAME;
    }

    @Override
    public List<String> validateArguments(JsonNode arguments, TableInfo table, String batchColumn) {
        return ColumnValueArguments.validate(
                arguments, table, batchColumn, EXAMPLE, Part.read("source column"), Part.written("target column"));
    }

    @Override
    public SubBatchStatement subBatchStatement(SubBatch subBatch) {
        List<String> sources = ColumnValueArguments.columns(subBatch.arguments().get(0));
        List<String> targets = ColumnValueArguments.columns(subBatch.arguments().get(1));
        String assignments = IntStream.range(0, sources.size())
                .mapToObj(i -> Identifiers.quote(targets.get(i)) + " = " + Identifiers.quote(sources.get(i)))
                .collect(Collectors.joining(", "));
        String key = Identifiers.quote(subBatch.batchColumn());
        String sql = "UPDATE " + subBatch.table().qualifiedName() + " SET " + assignments + " WHERE " + key
                + " BETWEEN $1 AND $2";
        return new SubBatchStatement(sql, List.of());
    }
}
