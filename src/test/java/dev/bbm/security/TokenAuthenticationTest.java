package dev.bbm.security;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.copy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bbm.support.Api;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TokenAuthenticationTest extends DatabaseTestCase {

    @BeforeEach
    void setUp() {
        db.createCopyTable("auth_events", 10, 0);
    }

    @Test
    void aCallWithoutTokenIs401AndWritesNothing() {
        given().contentType(ContentType.JSON)
                .body(copy("auth_events", ""))
                .post(MIGRATIONS)
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"bbm\"");
        given().get(MIGRATIONS).then().statusCode(401);
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
    }

    @Test
    void aWrongTokenIs401() {
        given().header("PRIVATE-TOKEN", "admin-secreT")
                .get(MIGRATIONS)
                .then()
                .statusCode(401)
                .body("detail", equalTo("The API token is not valid."));
        given().header("Authorization", "Basic YWRtaW46YWRtaW4=")
                .get(MIGRATIONS)
                .then()
                .statusCode(401);
    }

    @Test
    void aBearerTokenIsAcceptedLikeAPrivateToken() {
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                .get(MIGRATIONS)
                .then()
                .statusCode(200);
    }

    @Test
    void aReadTokenMayReadButNotWrite() {
        Api.reader().get(MIGRATIONS).then().statusCode(200);
        Api.reader()
                .body(copy("auth_events", ""))
                .post(MIGRATIONS)
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        assertEquals(0, db.count("SELECT count(*) FROM batched_background_migrations"));
        Api.admin().body(copy("auth_events", "")).post(MIGRATIONS).then().statusCode(201);
    }

    @Test
    void healthAndOpenApiStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
