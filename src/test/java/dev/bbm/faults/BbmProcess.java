package dev.bbm.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The packaged bbm ({@code java -jar}) as a child process on the embedded default, with its data
 * in a directory of the test's: started, killed with SIGKILL, restarted like an operator would.
 */
public final class BbmProcess implements AutoCloseable {

    public static final String TOKEN = "fault-test-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path dataDir;
    private final int httpPort;
    private final int pgPort;
    private final Path log;
    private String databaseUrl;
    private final List<String> properties = new ArrayList<>();
    private Process process;

    public BbmProcess(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.httpPort = freePort();
        this.pgPort = freePort();
        this.log = dataDir.resolve("bbm.log");
    }

    /** Use this PostgreSQL ({@code postgresql://user@host:port/db}) instead of the embedded default. */
    public BbmProcess database(String reactiveUrl) {
        this.databaseUrl = reactiveUrl;
        return this;
    }

    /** A system property for the process, {@code name=value}. */
    public BbmProcess with(String property) {
        properties.add("-D" + property);
        return this;
    }

    public BbmProcess start() throws IOException {
        String jar = System.getProperty("bbm.app.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbbm.data-dir=" + dataDir,
                "-Dbbm.embedded.port=" + pgPort,
                "-Dquarkus.http.port=" + httpPort,
                "-Dbbm.security.admin-tokens=fault-test:" + TOKEN));
        command.addAll(properties);
        if (databaseUrl != null) {
            command.add("-Dquarkus.datasource.reactive.url=" + databaseUrl);
        }
        command.addAll(List.of("-jar", jar));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        // A process that exits (its database unreachable at start, say) fails at once, not after the wait.
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .failFast("bbm exited while starting, see " + log, () -> !process.isAlive())
                .until(() -> get("/q/health/live").statusCode() == 200);
        return this;
    }

    /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL is left behind as an orphan. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?user=postgres";
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(
                request.header("PRIVATE-TOKEN", TOKEN)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public Path log() {
        return log;
    }

    /** A graceful stop (SIGTERM), which also stops the embedded PostgreSQL. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
