package dev.bbm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * HTTP to one bbm with one token. Every answer that is not a success becomes a {@link CliException}
 * whose one line says what is wrong in the operator's terms and whose exit code says what kind of
 * failure it is; the problem+json {@code detail} bbm wrote is the message where there is one.
 */
final class BbmHttp {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final String baseUrl;
    private final String token;

    /** @param token {@code null} when none was given: the request goes without and bbm answers 401 */
    BbmHttp(String baseUrl, String token) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    String baseUrl() {
        return baseUrl;
    }

    /**
     * Sends one request; finalize with {@code wait=true} may take minutes, so there is no request
     * timeout beyond the server's own.
     *
     * @param query values {@code null} are left out
     * @param body {@code null} for none
     */
    ApiResponse send(String method, String path, Map<String, Object> query, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path, query))
                .header("Accept", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("PRIVATE-TOKEN", token);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(e instanceof HttpConnectTimeoutException ? "connection timed out" : "connection refused");
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Bbm.UNREACHABLE, "interrupted while waiting for bbm at " + baseUrl);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() >= 200 && response.statusCode() < 300) {
            return new ApiResponse(response.statusCode(), json, response.headers());
        }
        throw failure(response.statusCode(), detail(json, response.body()));
    }

    private URI uri(String path, Map<String, Object> query) {
        String parameters = query.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            return URI.create(baseUrl + path + (parameters.isEmpty() ? "" : "?" + parameters));
        } catch (IllegalArgumentException e) {
            throw new CliException(Bbm.USAGE, "the URL of bbm is malformed: " + baseUrl + " (check BBM_URL or --url)");
        }
    }

    private CliException failure(int status, String detail) {
        return switch (status) {
            case 401 ->
                new CliException(
                        Bbm.AUTH,
                        token == null
                                ? "no token was given (401): set BBM_TOKEN or --token, or run where data/admin-token is"
                                : "the token was refused (401): check BBM_TOKEN",
                        status);
            case 403 ->
                new CliException(
                        Bbm.AUTH, "the token may only read (403): this needs an admin token, check BBM_TOKEN", status);
            case 404 -> new CliException(Bbm.NOT_FOUND, detail, status);
            case 400 -> new CliException(Bbm.USAGE, detail, status);
            case 409, 422 -> new CliException(Bbm.UNFINISHED, detail, status);
            default ->
                new CliException(Bbm.UNREACHABLE, "bbm at " + baseUrl + " answered " + status + ": " + detail, status);
        };
    }

    private CliException unreachable(String why) {
        return new CliException(Bbm.UNREACHABLE, "cannot reach bbm at " + baseUrl + ": " + why);
    }

    /** problem+json's {@code detail}, else GitLab's {@code message} or {@code error}, on one line. */
    private static String detail(JsonNode problem, String raw) {
        for (String member : new String[] {"detail", "message", "error"}) {
            if (problem.path(member).isTextual()) {
                return oneLine(problem.path(member).asText());
            }
        }
        return raw.isBlank() ? "no details" : oneLine(raw);
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }
}
