package dev.bbm.jobs;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A job argument's value is never coerced into a column that cannot hold it: a {@code varchar(8)}
 * would cut {@code archived_old} to {@code archived} (and a delete would then remove every
 * {@code archived} row), a {@code numeric(5,2)} would round {@code 1.239} to {@code 1.24}.
 */
@QuarkusTest
class ExactValuesTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(60);

    @BeforeEach
    void orders() {
        db.exec("DROP TABLE IF EXISTS exact_orders");
        db.exec(
                "CREATE TABLE exact_orders (id bigint PRIMARY KEY, state varchar(8), price numeric(5,2), note varchar(5),"
                        + " code char(3))");
        // 1..300: every third 'archived' at 1.24, every fifth coded 'ab'.
        db.exec("INSERT INTO exact_orders SELECT g, CASE WHEN g % 3 = 0 THEN 'archived' ELSE 'active' END,"
                + " CASE WHEN g % 3 = 0 THEN 1.24 ELSE 2.50 END, NULL, CASE WHEN g % 5 = 0 THEN 'ab' ELSE 'xyz' END"
                + " FROM generate_series(1, 300) g");
    }

    private static String body(String jobClass, String column, String value) {
        return "{\"job_class_name\":\"" + jobClass + "\",\"table_name\":\"exact_orders\",\"column_name\":\"id\","
                + "\"job_arguments\":[[\"" + column + "\"],[" + value + "]],\"batch_size\":100,\"sub_batch_size\":10,"
                + "\"interval\":0,\"pause_ms\":0}";
    }

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            DeleteRowsJob     | state | "archived_old"    | archived
            DeleteRowsJob     | price | "1.239"           | 1.24
            DeleteRowsJob     | price | 1.239             | 1.24
            BackfillColumnJob | note  | "truncated-value" | trunc
            DeleteRowsJob     | code  | "abcd"            | abc
            """)
    void aValueItsColumnCannotHoldExactlyIsRefusedNamingItAndChangesNothing(
            String jobClass, String column, String value, String coerced) {
        admin().body(body(jobClass, column, value))
                .post(MIGRATIONS)
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("job_arguments"))
                .body(
                        "detail",
                        allOf(
                                containsString("'" + column + "'"),
                                containsString(value.replace("\"", "")),
                                containsString("\"" + coerced + "\"")));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
        assertEquals(300, db.count("SELECT count(*) FROM exact_orders"));
        assertEquals(0, db.count("SELECT count(*) FROM exact_orders WHERE note IS NOT NULL"));
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingTheColumn() {
        admin().body(body("DeleteRowsJob", "price", "\"cheap\""))
                .post(MIGRATIONS)
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("job_arguments"))
                .body("detail", allOf(containsString("'price'"), containsString("cheap")));
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
    }

    @Test
    void valuesTheColumnsHoldExactlyDeleteAndBackfillExactlyTheirRows() {
        long deleteArchived = queue(body("DeleteRowsJob", "state", "\"archived\""));
        long deleteCheap = queue(body("DeleteRowsJob", "price", "\"2.5\""));
        db.engine(true, 1);
        db.awaitStatus(deleteArchived, "finished", LONG);
        db.awaitStatus(deleteCheap, "finished", LONG);
        assertEquals(0, db.count("SELECT count(*) FROM exact_orders"));

        orders();
        db.clearMigrations();
        // char(3) pads: 'ab' is 'ab ', and is found as such.
        long deleteCoded = queue(body("DeleteRowsJob", "code", "\"ab\""));
        long backfill = queue(body("BackfillColumnJob", "note", "\"fine\""));
        db.engine(true, 1);
        db.awaitStatus(deleteCoded, "finished", LONG);
        db.awaitStatus(backfill, "finished", LONG);
        assertEquals(240, db.count("SELECT count(*) FROM exact_orders"));
        assertEquals(0, db.count("SELECT count(*) FROM exact_orders WHERE code = 'ab'"));
        assertEquals(240, db.count("SELECT count(*) FROM exact_orders WHERE note = 'fine'"));
    }

    private long queue(String body) {
        return admin().body(body)
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .body("status", equalTo("active"))
                .extract()
                .<Integer>path("id");
    }
}
