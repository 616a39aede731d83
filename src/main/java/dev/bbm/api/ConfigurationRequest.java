package dev.bbm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bbm.api.error.ApiException;
import dev.bbm.migration.MigrationConfiguration;
import dev.bbm.service.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A migration named by its configuration, as GitLab's rake tasks and upgrade checks name it. */
@Schema(name = "MigrationConfiguration")
public record ConfigurationRequest(
        @Schema(required = true, example = "CopyColumnUsingBackgroundMigrationJob")
        String jobClassName,

        @Schema(required = true, example = "events") String tableName,
        @Schema(required = true, example = "id") String columnName,
        @Schema(ref = OpenApiFilter.JOB_ARGUMENTS) JsonNode jobArguments,

        @Schema(
                pattern = DatabaseParameterFilter.NAME_PATTERN,
                example = "main",
                description = "The database (GitLab's database parameter; the query's wins when both name it"
                        + " the same, two different names are a 400). Default main.")
        String database) {

    /** The configuration, or a 422 naming the missing fields. */
    public MigrationConfiguration toConfiguration() {
        List<FieldError> errors = new ArrayList<>();
        if (jobClassName == null || jobClassName.isBlank()) {
            errors.add(new FieldError("job_class_name", "is required"));
        }
        if (tableName == null || tableName.isBlank()) {
            errors.add(new FieldError("table_name", "is required"));
        }
        if (columnName == null || columnName.isBlank()) {
            errors.add(new FieldError("column_name", "is required"));
        }
        if (jobArguments != null && !jobArguments.isArray()) {
            errors.add(new FieldError("job_arguments", "must be a JSON array"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        MigrationConfiguration configuration = new MigrationConfiguration(
                jobClassName,
                tableName,
                columnName,
                jobArguments == null ? JsonNodeFactory.instance.arrayNode() : jobArguments);
        if (!configuration.isStorable()) {
            throw ApiException.notFound("There is no batched background migration with this configuration: names and"
                    + " arguments holding the NUL character (\\u0000) name none.");
        }
        return configuration;
    }

    static ConfigurationRequest require(ConfigurationRequest request) {
        if (request == null) {
            throw ApiException.badRequest("The request body must name the migration: job_class_name, table_name,"
                    + " column_name and job_arguments.");
        }
        return request;
    }
}
