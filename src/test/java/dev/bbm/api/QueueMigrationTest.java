package dev.bbm.api;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
class QueueMigrationTest extends DatabaseTestCase {

    @BeforeEach
    void setUp() {
        db.createCopyTable("queue_events", 500, 7);
    }

    @Test
    void queueingANewMigrationAnswers201WithItsLocationAndDefaults() {
        int id = admin().body(copy("queue_events", "\"interval\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .header(
                        "Location",
                        endsWith(MIGRATIONS + "/" + db.count("SELECT max(id) FROM batched_background_migrations")))
                .body("job_class_name", equalTo("CopyColumnUsingBackgroundMigrationJob"))
                .body("table_name", equalTo("queue_events"))
                .body("column_name", equalTo("id"))
                .body("job_arguments[0][0]", equalTo("a"))
                .body("job_arguments[1][0]", equalTo("b"))
                .body("status", equalTo("active"))
                .body("progress", equalTo(0.0f))
                .body("batch_size", equalTo(1000))
                .body("sub_batch_size", equalTo(100))
                .body("pause_ms", equalTo(100))
                .body("interval", equalTo(0))
                .body("min_value", equalTo(1))
                // 500 is a multiple of 7? no: the highest id is 500, the default max_value is MAX(id).
                .body("max_value", equalTo(500))
                .body("total_tuple_count", equalTo(429))
                .body("jobs.total", equalTo(0))
                .extract()
                .path("id");
        assertEquals(1, db.count("SELECT count(*) FROM batched_background_migrations WHERE id = $1", (long) id));
    }

    @Test
    void queueingTheSameConfigurationAgainReturnsTheExistingMigration() {
        int first = admin().body(copy("queue_events", ""))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        int second = admin().body(copy("queue_events", "\"batch_size\": 5000"))
                .post(MIGRATIONS)
                .then()
                .statusCode(200)
                .body("batch_size", equalTo(1000))
                .extract()
                .path("id");
        assertEquals(first, second);
        assertEquals(1, db.count("SELECT count(*) FROM batched_background_migrations"));
    }

    @Test
    void anExplicitRangeIsKept() {
        admin().body(copy(
                        "queue_events",
                        "\"min_value\": 10, \"max_value\": 300, \"batch_size\": 50, \"sub_batch_size\": 10"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("min_value", equalTo(10))
                .body("max_value", equalTo(300))
                .body("batch_size", equalTo(50))
                .body("sub_batch_size", equalTo(10));
    }

    @Test
    void anEmptyTableIsQueuedAlreadyFinished() {
        db.exec("DROP TABLE IF EXISTS queue_empty");
        db.exec("CREATE TABLE queue_empty (id bigserial PRIMARY KEY, a integer, b bigint)");
        admin().body(copy("queue_empty", ""))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("status", equalTo("finished"))
                .body("progress", equalTo(100))
                .body("finished_at", not(equalTo(null)));
    }

    @Test
    void aSchemaQualifiedTableAndReservedWordColumnsWork() {
        db.exec("CREATE SCHEMA IF NOT EXISTS app");
        db.exec("DROP TABLE IF EXISTS app.\"order\"");
        db.exec("CREATE TABLE app.\"order\" (\"select\" bigint PRIMARY KEY, \"user\" integer, user_big bigint)");
        db.exec("INSERT INTO app.\"order\" SELECT g, g FROM generate_series(1, 10) g");
        admin().body("{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"table_name\":\"app.order\","
                        + "\"column_name\":\"select\",\"job_arguments\":[[\"user\"],[\"user_big\"]]}")
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("max_value", equalTo(10));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown job class            | 422 | job_class_name | {"job_class_name":"DropEverythingJob","table_name":"queue_events","column_name":"id"}
            missing job class            | 422 | job_class_name | {"table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]]}
            missing table                | 422 | table_name     | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"no_such_table","column_name":"id","job_arguments":[["a"],["b"]]}
            table not an identifier      | 422 | table_name     | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events; DROP TABLE queue_events","column_name":"id","job_arguments":[["a"],["b"]]}
            missing column               | 422 | column_name    | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"nope","job_arguments":[["a"],["b"]]}
            column not an identifier     | 422 | column_name    | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id\\"--","job_arguments":[["a"],["b"]]}
            non-integer batching column  | 422 | column_name    | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"label","job_arguments":[["a"],["b"]]}
            zero batch size              | 422 | batch_size     | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"batch_size":0}
            negative sub-batch size      | 422 | sub_batch_size | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"sub_batch_size":-5}
            sub-batch above batch        | 422 | sub_batch_size | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"batch_size":10,"sub_batch_size":20}
            negative interval            | 422 | interval       | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"interval":-1}
            negative pause               | 422 | pause_ms       | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"pause_ms":-1}
            fractional min value         | 400 | min_value      | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"min_value":0.5}
            max below min                | 422 | max_value      | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"min_value":50,"max_value":10}
            arguments not an array       | 422 | job_arguments  | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":{"a":"b"}}
            arguments of unequal length  | 422 | job_arguments  | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b","label"]]}
            argument column missing      | 422 | job_arguments  | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["nope"]]}
            argument column injection    | 422 | job_arguments  | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b = 1; DROP TABLE queue_events; --"]]}
            target is the batching key   | 422 | job_arguments  | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["id"]]}
            type the target cannot take  | 422 | job_arguments  | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["label"],["b"]]}
            backfill value of wrong type | 422 | job_arguments  | {"job_class_name":"BackfillColumnJob","table_name":"queue_events","column_name":"id","job_arguments":[["status"],["abc"]]}
            unknown field                | 400 | batchsize      | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"batchsize":10}
            number as a string           | 400 | batch_size     | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"batch_size":"10"}
            fraction for an integer      | 400 | batch_size     | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":"queue_events","column_name":"id","job_arguments":[["a"],["b"]],"batch_size":1.5}
            table name as a number       | 400 | table_name     | {"job_class_name":"CopyColumnUsingBackgroundMigrationJob","table_name":5,"column_name":"id","job_arguments":[["a"],["b"]]}
            """)
    void anInvalidRequestIsRefusedNamingTheFieldAndWritesNothing(
            String description, int status, String field, String body) {
        admin().body(body)
                .post(MIGRATIONS)
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("errors.field", hasItem(field))
                .body("detail", containsString(field))
                .body("detail", not(containsString("Exception")))
                .body("detail", not(containsString("dev.bbm")));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
        assertEquals(429, db.count("SELECT count(*) FROM queue_events"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON      | {"job_class_name":
            an array body       | [1, 2]
            a number too large  | {"batch_size": 99999999999999999999}
            """)
    void aMalformedBodyIsA400ProblemAndWritesNothing(String description, String body) {
        admin().body(body)
                .post(MIGRATIONS)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", not(equalTo(null)))
                .body("detail", not(containsString("Exception")))
                .body("detail", not(containsString("com.fasterxml")));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
    }

    @Test
    void anEmptyBodyIsA400Problem() {
        admin().post(MIGRATIONS).then().statusCode(400).contentType("application/problem+json");
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
    }

    @Test
    void aBodyOfAnotherMediaTypeIsA415Problem() {
        admin().contentType("text/plain")
                .body("hello")
                .post(MIGRATIONS)
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
    }
}
