package dev.bbm.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bbm that answers what a test tells it to, for API contracts the running bbm does not serve
 * yet (the non-batched queue, the list of databases): it records each request it gets, and answers
 * any other with GitLab's 404.
 */
final class StubBbm implements AutoCloseable {

    /** A request as the stub received it: {@code GET /path?query} and its body. */
    record Request(String line, String body) {}

    private record Answer(int status, String body, Map<String, String> headers) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    StubBbm() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String line = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (requests) {
                requests.add(new Request(line, body));
            }
            Answer answer = answers.getOrDefault(
                    line,
                    new Answer(
                            404, "{\"status\":404,\"detail\":\"Not found\",\"message\":\"404 Not found\"}", Map.of()));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                    .add("Content-Type", answer.status() < 400 ? "application/json" : "application/problem+json");
            answer.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code request} ({@code "GET /api/…?database=main"}, query as the command line writes it). */
    StubBbm answer(String request, int status, String json, Map<String, String> headers) {
        answers.put(request, new Answer(status, json, headers));
        return this;
    }

    StubBbm answer(String request, String json) {
        return answer(request, 200, json, Map.of());
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
