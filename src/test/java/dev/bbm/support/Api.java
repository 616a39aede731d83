package dev.bbm.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests as an operator with the test profile's tokens. */
public final class Api {

    public static final String ADMIN_TOKEN = "admin-secret";
    public static final String READ_TOKEN = "read-secret";
    public static final String MIGRATIONS = "/api/v4/admin/batched_background_migrations";

    private Api() {}

    public static RequestSpecification admin() {
        return given().header("PRIVATE-TOKEN", ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    public static RequestSpecification reader() {
        return given().header("PRIVATE-TOKEN", READ_TOKEN).contentType(ContentType.JSON);
    }

    /** A copy-column migration body for {@code table}: a → b along id. */
    public static String copy(String table, String extra) {
        return "{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"table_name\":\"" + table
                + "\",\"column_name\":\"id\",\"job_arguments\":[[\"a\"],[\"b\"]]" + (extra.isEmpty() ? "" : "," + extra)
                + "}";
    }
}
