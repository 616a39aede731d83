package dev.bbm.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The checked-in contract is the one the service serves. When annotations change, this fails
 * until the new document is checked in:
 * {@code ./mvnw package -DskipTests && cp target/openapi/openapi.* openapi/}.
 */
@QuarkusTest
class OpenApiContractTest {

    private static final String HOW_TO_FIX = "openapi/ differs from what the service serves: run"
            + " './mvnw package -DskipTests && cp target/openapi/openapi.* openapi/' and commit the result";

    @Test
    void theCheckedInYamlIsTheServedDocument() throws Exception {
        JsonNode served = new ObjectMapper()
                .readTree(given().get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        JsonNode checkedIn = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of("openapi/openapi.yaml").toFile());
        assertEquals(checkedIn, served, HOW_TO_FIX);
    }

    @Test
    void theCheckedInJsonIsTheServedDocument() throws Exception {
        JsonNode served = new ObjectMapper()
                .readTree(given().get("/q/openapi?format=json").asString());
        assertEquals(new ObjectMapper().readTree(Path.of("openapi/openapi.json").toFile()), served, HOW_TO_FIX);
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
