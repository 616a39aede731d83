package dev.bbm.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.jobs.BackfillColumnJob;
import dev.bbm.jobs.CopyColumnUsingBackgroundMigrationJob;
import dev.bbm.jobs.DeleteRowsJob;
import dev.bbm.jobs.JobRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checks of a queue request that need no database. */
class QueueValidatorTest {

    private static final JobRegistry REGISTRY = new JobRegistry(
            List.of(new CopyColumnUsingBackgroundMigrationJob(), new BackfillColumnJob(), new DeleteRowsJob()));
    private static final JsonNode ARGUMENTS = arguments("[[\"a\"], [\"b\"]]");

    private static JsonNode arguments(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static QueueCommand command(
            String jobClass,
            String table,
            String column,
            JsonNode arguments,
            Integer batchSize,
            Integer subBatchSize,
            Integer interval,
            Integer pauseMs,
            Integer priority) {
        return new QueueCommand(
                jobClass,
                table,
                column,
                arguments,
                batchSize,
                subBatchSize,
                interval,
                pauseMs,
                null,
                null,
                null,
                priority,
                null);
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    @Test
    void aCompleteRequestPasses() {
        assertEquals(
                List.of(),
                QueueValidator.check(
                        command(
                                "CopyColumnUsingBackgroundMigrationJob",
                                "app.events",
                                "id",
                                ARGUMENTS,
                                1000,
                                100,
                                0,
                                0,
                                0),
                        REGISTRY));
    }

    @Test
    void everyMissingNameIsReportedAtOnce() {
        assertEquals(
                List.of("job_class_name", "table_name", "column_name"),
                fields(QueueValidator.check(
                        command(null, " ", null, ARGUMENTS, null, null, null, null, null), REGISTRY)));
    }

    @Test
    void anUnknownJobClassListsTheKnownOnes() {
        List<FieldError> errors = QueueValidator.check(
                command("DropEverythingJob", "events", "id", ARGUMENTS, null, null, null, null, null), REGISTRY);
        assertEquals(
                "is not a known job class; known: BackfillColumnJob, CopyColumnUsingBackgroundMigrationJob, DeleteRowsJob",
                errors.get(0).message());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            events; DROP TABLE events | table_name
            a.b.c                     | table_name
            "Events"                  | table_name
            """)
    void aTableNameThatIsNotAPlainIdentifierIsRefused(String table, String field) {
        assertEquals(
                List.of(field),
                fields(QueueValidator.check(
                        command(
                                "CopyColumnUsingBackgroundMigrationJob",
                                table,
                                "id",
                                ARGUMENTS,
                                null,
                                null,
                                null,
                                null,
                                null),
                        REGISTRY)));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            batch_size     | 0
            sub_batch_size | 0
            interval       | -1
            interval       | 32768
            pause_ms       | 600001
            priority       | 32768
            """)
    void aNumberOutsideItsRangeIsRefusedNamingIt(String field, int value) {
        QueueCommand command = command(
                "CopyColumnUsingBackgroundMigrationJob",
                "events",
                "id",
                ARGUMENTS,
                field.equals("batch_size") ? value : null,
                field.equals("sub_batch_size") ? value : null,
                field.equals("interval") ? value : null,
                field.equals("pause_ms") ? value : null,
                field.equals("priority") ? value : null);
        assertEquals(List.of(field), fields(QueueValidator.check(command, REGISTRY)));
    }

    @Test
    void argumentsMustBeAnArrayWithoutNul() {
        assertEquals(
                List.of("job_arguments"),
                fields(QueueValidator.check(
                        command(
                                "CopyColumnUsingBackgroundMigrationJob",
                                "events",
                                "id",
                                arguments("{\"a\": 1}"),
                                null,
                                null,
                                null,
                                null,
                                null),
                        REGISTRY)));
        assertEquals(
                List.of("job_arguments"),
                fields(QueueValidator.check(
                        command(
                                "CopyColumnUsingBackgroundMigrationJob",
                                "events",
                                "id",
                                arguments("[[\"a\\u0000\"], [\"b\"]]"),
                                null,
                                null,
                                null,
                                null,
                                null),
                        REGISTRY)));
    }

    @Test
    void fieldsAreCheckedTogetherOnceDefaultsApply() {
        assertEquals(List.of("sub_batch_size"), fields(QueueValidator.checkTogether(1, null, 10, 20, null)));
        assertEquals(List.of("max_value"), fields(QueueValidator.checkTogether(-5, -6L, 10, 10, null)));
        assertEquals(List.of("max_batch_size"), fields(QueueValidator.checkTogether(1, null, 100, 10, 50)));
        assertEquals(List.of(), fields(QueueValidator.checkTogether(-5, -5L, 10, 10, 10)));
    }
}
