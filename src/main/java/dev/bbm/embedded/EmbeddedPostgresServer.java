package dev.bbm.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The embedded PostgreSQL that bbm starts when no datasource URL is configured: a durable server
 * (fsync and synchronous commit on) whose data survives restarts, listening on 127.0.0.1.
 *
 * <p>One server per data directory and JVM: a Quarkus live reload or a second test profile reuses
 * the running one instead of starting another on the same files. Those run in class loaders of
 * their own, so the running servers are also announced in a system property that every class
 * loader sees.
 */
public final class EmbeddedPostgresServer {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);
    private static final ConcurrentHashMap<Path, EmbeddedPostgresServer> RUNNING = new ConcurrentHashMap<>();

    /** The embedded server has one trusted superuser and its default database. */
    public static final String USER = "postgres";

    public static final String DATABASE = "postgres";

    private final Path dataDirectory;
    /** The server this class loader started, or null for one started by another class loader. */
    private final EmbeddedPostgres postgres;

    private final int port;

    private EmbeddedPostgresServer(Path dataDirectory, EmbeddedPostgres postgres, int port) {
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
        this.port = port;
    }

    /** Starts the server for {@code dataDirectory}, or returns the one this JVM already runs. */
    public static EmbeddedPostgresServer startOrGet(Path dataDirectory, int port) {
        Path key = dataDirectory.toAbsolutePath().normalize();
        return RUNNING.computeIfAbsent(key, dir -> {
            String announced = System.getProperty(announcement(dir));
            return announced != null
                    ? new EmbeddedPostgresServer(dir, null, Integer.parseInt(announced))
                    : start(dir, port);
        });
    }

    private static String announcement(Path dataDirectory) {
        // Outside the bbm.* prefix, which SmallRye Config checks for unknown names.
        return "dev-bbm-embedded-postgres-running:" + dataDirectory;
    }

    private static EmbeddedPostgresServer start(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory);
            stopOrphanedPostmaster(dataDirectory);
            int chosenPort = port > 0 ? port : freePort();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    // The library's default deletes the data at exit; bbm's data must survive.
                    .setCleanDataDirectory(false)
                    .setPort(chosenPort)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // The library runs with fsync and synchronous_commit off (fine for throwaway
                    // test databases); the migrations' bookkeeping must survive a power cut.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setRegisterShutdownHook(true)
                    .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDirectory, postgres, postgres.getPort());
            System.setProperty(announcement(dataDirectory), String.valueOf(postgres.getPort()));
            LOG.infof(
                    "Embedded PostgreSQL is running with data in %s. Connect with: %s",
                    dataDirectory, server.psqlCommand());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /**
     * A bbm process killed with SIGKILL leaves its postmaster running (pg_ctl daemonizes it) and
     * the data directory locked. The next start stops that orphan first.
     */
    private static void stopOrphanedPostmaster(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        LOG.warnf(
                "Stopping the orphaned embedded PostgreSQL (pid %d) left by an earlier run in %s", pid, dataDirectory);
        // SIGINT is PostgreSQL's "fast" shutdown: sessions still connected (a psql, say) are
        // closed and the data stays consistent. SIGTERM would wait for them to leave.
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .inheritIO()
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping the orphaned PostgreSQL", e);
        }
        try {
            process.get().onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("The orphaned PostgreSQL (pid " + pid + ") in " + dataDirectory + " did not stop", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The user is part of the URLs: the embedded server trusts it, and needs no password. */
    public String reactiveUrl() {
        return reactiveUrl(DATABASE);
    }

    /** The URL of another database of this server. */
    public String reactiveUrl(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port() + "/" + database;
    }

    /**
     * Creates the database {@code name} unless it exists (a restart keeps it, with its data): one
     * embedded server plays an installation with several databases ({@code main} and {@code ci}).
     */
    public synchronized EmbeddedPostgresServer createDatabaseIfMissing(String name) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl());
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    try (Statement create = connection.createStatement()) {
                        // The name matched DatabaseUrls.NAME (lower-case letters, digits, _).
                        create.execute("CREATE DATABASE " + name);
                    }
                    LOG.infof("Created the database %s on the embedded PostgreSQL", name);
                }
            }
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the database " + name + " on the embedded PostgreSQL", e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?user=" + USER;
    }

    public String psqlCommand() {
        return "psql -h 127.0.0.1 -p " + port() + " -U " + USER + " " + DATABASE;
    }

    /** Stops the server (a fast shutdown: open sessions are rolled back, committed data is kept). */
    public void stop() {
        RUNNING.remove(dataDirectory, this);
        if (postgres == null) {
            return;
        }
        System.clearProperty(announcement(dataDirectory));
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Could not stop the embedded PostgreSQL cleanly", e);
        }
    }
}
