package dev.bbm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RakeArgumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The runbook's two finalize lines, character for character. */
    private static final String PUSH_EVENT_PAYLOADS_LINE =
            "sudo gitlab-rake gitlab:background_migrations:finalize[CopyColumnUsingBackgroundMigrationJob,push_event_payloads,event_id,'[[\"event_id\"]\\, [\"event_id_convert_to_bigint\"]]']";

    private static final String EVENTS_LINE =
            "sudo gitlab-rake gitlab:background_migrations:finalize[CopyColumnUsingBackgroundMigrationJob,events,id,'[[\"id\"]\\, [\"id_convert_to_bigint\"]]']";

    private static void assertConfiguration(
            RakeArguments parsed, String jobClass, String table, String column, String jobArguments) throws Exception {
        assertEquals(jobClass, parsed.jobClassName());
        assertEquals(table, parsed.tableName());
        assertEquals(column, parsed.columnName());
        assertEquals(JSON.readTree(jobArguments), parsed.jobArguments());
    }

    @Test
    void theRunbooksFinalizeLinesParseVerbatim() throws Exception {
        assertConfiguration(
                RakeArguments.parse(PUSH_EVENT_PAYLOADS_LINE),
                "CopyColumnUsingBackgroundMigrationJob",
                "push_event_payloads",
                "event_id",
                "[[\"event_id\"], [\"event_id_convert_to_bigint\"]]");
        assertConfiguration(
                RakeArguments.parse(EVENTS_LINE),
                "CopyColumnUsingBackgroundMigrationJob",
                "events",
                "id",
                "[[\"id\"], [\"id_convert_to_bigint\"]]");
        assertNull(RakeArguments.parse(EVENTS_LINE).database());
    }

    @Test
    void theArgumentAsTheShellHandsItOverParses() throws Exception {
        // bbm finalize CopyColumnUsingBackgroundMigrationJob,events,id,'[["id"]\, ["id_convert_to_bigint"]]'
        assertConfiguration(
                RakeArguments.parse(
                        "CopyColumnUsingBackgroundMigrationJob,events,id,[[\"id\"]\\, [\"id_convert_to_bigint\"]]"),
                "CopyColumnUsingBackgroundMigrationJob",
                "events",
                "id",
                "[[\"id\"], [\"id_convert_to_bigint\"]]");
        // bbm finalize gitlab:background_migrations:finalize[…,'[["id"]\, ["id_convert_to_bigint"]]']
        assertConfiguration(
                RakeArguments.parse(
                        "gitlab:background_migrations:finalize[CopyColumnUsingBackgroundMigrationJob,events,id,[[\"id\"]\\, [\"id_convert_to_bigint\"]]]"),
                "CopyColumnUsingBackgroundMigrationJob",
                "events",
                "id",
                "[[\"id\"], [\"id_convert_to_bigint\"]]");
    }

    @Test
    void blanksAroundFieldsAndAnUnescapedCommaInTheJsonAreForgiven() throws Exception {
        assertConfiguration(
                RakeArguments.parse(" BackfillColumnJob , events , id , [[\"status\"], [0]] "),
                "BackfillColumnJob",
                "events",
                "id",
                "[[\"status\"], [0]]");
    }

    @Test
    void thePerDatabaseTaskNamesTheDatabase() {
        RakeArguments parsed = RakeArguments.parse(
                "gitlab:background_migrations:finalize:ci[CopyColumnUsingBackgroundMigrationJob,ci_builds,id,'[[\"a\"]\\, [\"b\"]]']");
        assertEquals("ci", parsed.database());
        assertEquals("ci_builds", parsed.tableName());
    }

    @Test
    void aMissingFieldIsNamed() {
        var missing = assertThrows(
                IllegalArgumentException.class,
                () -> RakeArguments.parse("CopyColumnUsingBackgroundMigrationJob,events,id"));
        assertTrue(missing.getMessage().startsWith("missing job_arguments"), missing.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> RakeArguments.parse("Job,,id,[]"));
        assertTrue(empty.getMessage().startsWith("missing table_name"), empty.getMessage());
    }

    @Test
    void jobArgumentsMustBeAJsonArray() {
        var notJson =
                assertThrows(IllegalArgumentException.class, () -> RakeArguments.parse("Job,events,id,[[\"id\"]"));
        assertTrue(notJson.getMessage().startsWith("job_arguments is not JSON"), notJson.getMessage());
        var notArray = assertThrows(IllegalArgumentException.class, () -> RakeArguments.parse("Job,events,id,{}"));
        assertTrue(notArray.getMessage().startsWith("job_arguments must be a JSON array"), notArray.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RakeArguments.parse("Job,events,id,[] []"));
    }

    @Test
    void theRakeFormOfAConfigurationReadsBackUnchanged() {
        RakeArguments original = RakeArguments.of("Job\\X", "odd,table", "id", "[[\"a,b\"], [\"c\\\\d\"]]");
        String rake = original.toRakeArgument();
        assertEquals("Job\\\\X,odd\\,table,id,[[\"a\\,b\"]\\,[\"c\\\\\\\\d\"]]", rake);
        assertEquals(original, RakeArguments.parse(rake));
    }

    @Test
    void theBodyIsGitLabsConfiguration() throws Exception {
        assertEquals(
                JSON.readTree("{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"table_name\":\"events\","
                        + "\"column_name\":\"id\",\"job_arguments\":[[\"id\"],[\"id_convert_to_bigint\"]]}"),
                RakeArguments.parse(EVENTS_LINE).toJson());
        assertEquals(
                JSON.readTree("[]"),
                RakeArguments.of("Job", "events", "id", null).jobArguments());
    }
}
