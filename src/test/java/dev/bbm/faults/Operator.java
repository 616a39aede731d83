package dev.bbm.faults;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator of the chaos run, through the HTTP API of a replica that is up, with the admin
 * token: queues the migrations one by one over the first part of the run and meanwhile pauses,
 * resumes, retries, finalizes, marks finished and reads random ones. Many actions are refused
 * (422) because of the status the migration is in, which is fine; every answer is logged, and a
 * 5xx is kept for the report.
 */
final class Operator {

    static final String MIGRATIONS = "/api/v4/admin/batched_background_migrations";

    enum Action implements Weighted {
        PAUSE(25),
        RESUME(25),
        RETRY(12),
        FINALIZE(8),
        MARK_FINISHED(2),
        READ(15);

        private final int weight;

        Action(int weight) {
            this.weight = weight;
        }

        @Override
        public int weight() {
            return weight;
        }
    }

    /** A request to one replica. */
    interface Request {
        HttpResponse<String> send(BbmProcess replica) throws IOException, InterruptedException;
    }

    private final Replicas replicas;
    private final FaultDatabase db;
    /** In the order they are queued. */
    private final List<ChaosTable> tables;

    private final SplittableRandom random;
    private final ChaosLog log;
    private final List<String> problems = new ArrayList<>();
    private final Set<Long> markedFinished = ConcurrentHashMap.newKeySet();
    private long[] queueAt;
    private int nextToQueue;
    private volatile boolean stopped;
    private Thread thread;

    Operator(Replicas replicas, FaultDatabase db, List<ChaosTable> tables, SplittableRandom random, ChaosLog log) {
        this.replicas = replicas;
        this.db = db;
        this.tables = tables;
        this.random = random;
        this.log = log;
    }

    /** Starts acting at random; the migrations are queued evenly until {@code queueUntilMs} into the run. */
    void start(long queueUntilMs) {
        queueAt = new long[tables.size()];
        for (int i = 0; i < tables.size(); i++) {
            queueAt[i] = log.now() + (queueUntilMs - log.now()) * i / tables.size();
        }
        thread = new Thread(this::actAtRandom, "chaos-operator");
        thread.start();
    }

    void stop() throws InterruptedException {
        stopped = true;
        thread.join(60_000);
    }

    private void actAtRandom() {
        while (!stopped) {
            try {
                Thread.sleep(200 + random.nextInt(1300));
                if (nextToQueue < tables.size() && queueAt[nextToQueue] <= log.now()) {
                    if (queue(tables.get(nextToQueue))) {
                        nextToQueue++;
                    }
                    continue;
                }
                List<ChaosTable> queued =
                        tables.stream().filter(t -> t.migrationId() != null).toList();
                if (!queued.isEmpty()) {
                    act(
                            Weighted.choose(Action.values(), random),
                            queued.get(random.nextInt(queued.size())).migrationId());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.event("operator error", e.toString());
            }
        }
    }

    /** Queues what the random actions did not get to, trying until it is done or {@code untilMs} into the run. */
    void queueTheRest(long untilMs) throws InterruptedException, IOException {
        while (nextToQueue < tables.size() && log.now() < untilMs) {
            if (queue(tables.get(nextToQueue))) {
                nextToQueue++;
            } else {
                Thread.sleep(1000);
            }
        }
    }

    /**
     * Queues the table's migration: true once its id is known, from the answer or, when the answer
     * got lost (the request may have committed), from the database.
     */
    private boolean queue(ChaosTable table) throws InterruptedException, IOException {
        HttpResponse<String> response = send("queue", table.name, r -> r.post(MIGRATIONS, table.queueRequest()));
        if (response != null && (response.statusCode() == 201 || response.statusCode() == 200)) {
            table.queued(ChaosTable.JSON.readTree(response.body()).get("id").asLong());
            return true;
        }
        if (response != null && response.statusCode() >= 400 && response.statusCode() < 500) {
            problems.add("queueing " + table + " was refused: " + response.statusCode() + " " + response.body());
            return true;
        }
        try {
            List<List<Object>> found =
                    db.rows("SELECT id FROM batched_background_migrations WHERE table_name = '" + table + "'");
            if (!found.isEmpty()) {
                table.queued(((Number) found.get(0).get(0)).longValue());
                return true;
            }
        } catch (Exception e) {
            // The database is down: tried again at the next round.
        }
        return false;
    }

    void act(Action action, long id) throws InterruptedException {
        String path = MIGRATIONS + "/" + id;
        String migration = "migration " + id;
        switch (action) {
            case PAUSE -> send("pause", migration, r -> r.put(path + "/pause", ""));
            case RESUME -> send("resume", migration, r -> r.put(path + "/resume", ""));
            case RETRY -> send("retry", migration, r -> r.put(path + "/retry", ""));
            case FINALIZE -> {
                boolean force = random.nextBoolean();
                send(
                        "finalize",
                        migration + (force ? " force" : ""),
                        r -> r.put(path + "/finalize?force=" + force, ""));
            }
            case MARK_FINISHED -> {
                HttpResponse<String> response =
                        send("mark_finished", migration, r -> r.put(path + "/mark_finished", "{\"confirm\": true}"));
                if (response != null && response.statusCode() == 200) {
                    markedFinished.add(id);
                }
            }
            case READ -> {
                String read = List.of(path, path + "/jobs?per_page=100", MIGRATIONS + "?per_page=100")
                        .get(random.nextInt(3));
                send("read", read, r -> r.get(read));
            }
        }
    }

    /** Ensures a finished migration is finished, as an upgrade does: it becomes finalized. */
    void ensureFinished(ChaosTable table) throws InterruptedException {
        send("ensure_finished", table.name, r -> r.post(MIGRATIONS + "/ensure_finished", table.configuration()));
    }

    /**
     * Sends a request to a random replica that is up, and logs the answer.
     *
     * @return the answer, or null when no replica answered
     */
    HttpResponse<String> send(String action, String detail, Request request) throws InterruptedException {
        int index = replicas.pick(random);
        if (index < 0) {
            log.event(action + " unreachable", detail + ": no replica is up");
            return null;
        }
        return send(index, action, detail, request);
    }

    HttpResponse<String> send(int index, String action, String detail, Request request) throws InterruptedException {
        return send(index, action, detail, request, true);
    }

    /** The readiness probe of one replica: its 503 means DOWN, not an error. */
    HttpResponse<String> readiness(int index) throws InterruptedException {
        return send(index, "readiness", "replica " + index, r -> r.get("/q/health/ready"), false);
    }

    private HttpResponse<String> send(
            int index, String action, String detail, Request request, boolean serverErrorIsError)
            throws InterruptedException {
        long sent = log.now();
        try {
            HttpResponse<String> response = request.send(replicas.get(index));
            log.event(action + " " + response.statusCode(), detail + " via replica " + index);
            if (response.statusCode() >= 500 && serverErrorIsError) {
                log.serverError(
                        sent, action + " " + detail + " via replica " + index, response.statusCode(), response.body());
            }
            return response;
        } catch (IOException e) {
            log.event(action + " unreachable", detail + " via replica " + index + ": " + e);
            return null;
        }
    }

    /** The migrations an operator marked finished (answer 200). */
    Set<Long> markedFinished() {
        return Set.copyOf(markedFinished);
    }

    /** What went wrong with the run's own requests (a queue request refused). */
    List<String> problems() {
        return List.copyOf(problems);
    }
}
