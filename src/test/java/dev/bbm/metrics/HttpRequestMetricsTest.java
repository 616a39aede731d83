package dev.bbm.metrics;

import static dev.bbm.support.Api.ADMIN_TOKEN;
import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.READ_TOKEN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code uri} tag of {@code http_server_requests} names a route, never a path a client made
 * up: Micrometer keeps at most 100 values, and once strangers have used them up the API's own
 * routes would no longer be measured.
 */
@QuarkusTest
class HttpRequestMetricsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final Pattern URI_TAG =
            Pattern.compile("^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"", Pattern.MULTILINE);

    @Test
    void requestsToMadeUpPathsShareOneUriTagAndTheApiStaysMeasured() throws Exception {
        for (int i = 0; i < 300; i++) {
            assertEquals(401, send("GET", "/api/zz/" + i, null, null).statusCode(), "no token");
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(
                    403,
                    send("PUT", "/api/zz/" + i + "/pause", READ_TOKEN, null).statusCode(),
                    "read token writes");
            assertEquals(404, send("GET", "/api/v4/zz/" + i, ADMIN_TOKEN, null).statusCode(), "unknown API path");
            assertEquals(
                    400,
                    send("GET", MIGRATIONS + "/" + i + ";x=" + i, ADMIN_TOKEN, null)
                            .statusCode(),
                    "matrix parameter");
            assertEquals(404, send("GET", "/zz/" + i, null, null).statusCode(), "outside the API");
            assertEquals(
                    413,
                    send("POST", "/zz/large/" + i, null, "x".repeat(64 * 1024 + 1))
                            .statusCode(),
                    "body too large");
        }

        // A route no other test calls, so that its tag can only be made now, after the flood.
        HttpResponse<String> real = send("GET", MIGRATIONS + "/424242/jobs?per_page=3", ADMIN_TOKEN, null);
        assertEquals(404, real.statusCode(), real.body());

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> uris = new TreeSet<>();
        Matcher tag = URI_TAG.matcher(metrics);
        while (tag.find()) {
            uris.add(tag.group(1));
        }
        assertTrue(
                uris.contains("/api/v4/admin/batched_background_migrations/{id}/jobs"),
                "the real call is measured: " + uris);
        assertFalse(
                uris.stream().anyMatch(uri -> uri.contains("zz") || uri.contains(";")),
                "made-up paths as tags: " + uris);
        assertTrue(uris.size() <= 25, uris.size() + " uri tags: " + uris);
        assertTrue(metrics.contains("status=\"401\",uri=\"/UNMATCHED\""), "refused requests share the UNMATCHED tag");
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("PRIVATE-TOKEN", token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
