package dev.bbm.api;

import dev.bbm.problem.Problem;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * What every API operation shares, added in one place instead of on each method: error
 * responses are application/problem+json, and every {@code /api/} operation can answer 401
 * (no valid token), writes 403 (a read-only token), anything 500, and 503 while the database is
 * unreachable.
 */
public class OpenApiFilter implements OASFilter {

    /** Free-form JSON the annotations cannot describe, defined here once. */
    static final String JOB_ARGUMENTS = "JobArguments";

    static final String JOB_METRICS = "JobMetrics";

    static final String NON_BATCHED_ARGUMENTS = "NonBatchedJobArguments";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        openAPI.getComponents()
                .addSchema(
                        JOB_ARGUMENTS,
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.ARRAY)
                                .description("The job class's arguments: arrays of column names or values, for example"
                                        + " [[\"event_id\"], [\"event_id_convert_to_bigint\"]]")
                                .items(OASFactory.createSchema()
                                        .addType(Schema.SchemaType.ARRAY)
                                        .items(OASFactory.createSchema()))
                                .addExample(List.of(List.of("event_id"), List.of("event_id_convert_to_bigint"))));
        openAPI.getComponents()
                .addSchema(
                        NON_BATCHED_ARGUMENTS,
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.ARRAY)
                                .description("A non-batched job's arguments; for bbm's job classes [table_name,"
                                        + " column_name, min_value, max_value, job_arguments]")
                                .items(OASFactory.createSchema())
                                .addExample(List.of(
                                        "events",
                                        "id",
                                        1,
                                        10000,
                                        List.of(List.of("id"), List.of("id_convert_to_bigint")))));
        openAPI.getComponents()
                .addSchema(
                        JOB_METRICS,
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.OBJECT)
                                .description("Per sub-batch: timings.sub_batch (seconds) and affected_rows.sub_batch")
                                .additionalPropertiesSchema(OASFactory.createSchema()));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> entry :
                    item.getOperations().entrySet()) {
                if (path.startsWith(BatchedMigrationResource.PATH) || path.startsWith(SettingsResource.PATH)) {
                    entry.getValue().addParameter(databaseParameter());
                }
                APIResponses responses = entry.getValue().getResponses();
                addIfMissing(responses, "401", "No valid token: send PRIVATE-TOKEN or Authorization: Bearer");
                if (entry.getKey() != PathItem.HttpMethod.GET) {
                    addIfMissing(responses, "403", "A read-only token cannot change anything");
                }
                addIfMissing(responses, "500", "The server failed; its log has the details");
                addIfMissing(responses, "503", "The database is unreachable; retry once it is back");
                responses.getAPIResponses().forEach((code, response) -> {
                    if (code.startsWith("4") || code.startsWith("5")) {
                        response.setContent(problem());
                    }
                });
            }
        });
    }

    /** GitLab's {@code database} parameter, on every admin and settings operation. */
    private static Parameter databaseParameter() {
        return OASFactory.createParameter()
                .name(DatabaseParameterFilter.PARAMETER)
                .in(Parameter.In.QUERY)
                .description("The database, by the name bbm serves it under: main (the configured datasource) or"
                        + " a name configured as bbm.databases.<name> (ci, sec). A name bbm does not serve is a 400"
                        + " with GitLab's error \"database does not have a valid value\" and the names it serves.")
                .schema(OASFactory.createSchema()
                        .addType(Schema.SchemaType.STRING)
                        .pattern(DatabaseParameterFilter.NAME_PATTERN)
                        .defaultValue("main")
                        .addExample("main"));
    }

    private static void addIfMissing(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    private static Content problem() {
        return OASFactory.createContent()
                .addMediaType(
                        Problem.MEDIA_TYPE,
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref("Problem")));
    }
}
