package dev.bbm.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened during a chaos run, in order: every fault, operator action and answer, with the
 * time since the start, so that a failure can be read against what was done just before it. Also
 * counts each kind of event for the summary. Written to by every thread of the run.
 */
final class ChaosLog {

    /** One answer in the 5xx range: when the request went out and came back, and to what. */
    record ServerError(long sentMs, long answeredMs, String request, int status, String body) {}

    private final long start = System.nanoTime();
    private final List<String> events = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private final List<long[]> databaseDown = new ArrayList<>();
    private final List<ServerError> serverErrors = new ArrayList<>();

    long now() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** An event of the timeline, counted under {@code kind}. */
    synchronized void event(String kind, String detail) {
        counts.merge(kind, 1, Integer::sum);
        events.add(String.format("%8.3f s  %-28s %s", now() / 1000.0, kind, detail));
    }

    /** Counted but kept out of the timeline (frequent and uninteresting, such as application writes). */
    synchronized void count(String kind) {
        counts.merge(kind, 1, Integer::sum);
    }

    synchronized void databaseStopped() {
        databaseDown.add(new long[] {now(), Long.MAX_VALUE});
    }

    synchronized void databaseStarted() {
        databaseDown.get(databaseDown.size() - 1)[1] = now();
    }

    synchronized void serverError(long sentMs, String request, int status, String body) {
        serverErrors.add(
                new ServerError(sentMs, now(), request, status, body.length() > 300 ? body.substring(0, 300) : body));
    }

    /**
     * The 5xx answers to requests that were not in flight around a deliberate restart of
     * PostgreSQL ({@code graceMs} before its stop to {@code graceMs} after its start).
     */
    synchronized List<ServerError> unexpectedServerErrors(long graceMs) {
        return serverErrors.stream()
                .filter(e -> databaseDown.stream()
                        .noneMatch(d -> e.answeredMs() >= d[0] - graceMs && e.sentMs() <= d[1] + graceMs))
                .toList();
    }

    synchronized int serverErrors() {
        return serverErrors.size();
    }

    synchronized Map<String, Integer> counts() {
        return new TreeMap<>(counts);
    }

    synchronized String timeline() {
        return String.join("\n", events);
    }

    void write(Path file) throws IOException {
        Files.writeString(file, timeline() + "\n");
    }
}
