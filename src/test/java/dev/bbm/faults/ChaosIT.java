package dev.bbm.faults;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.faults.ChaosTable.MigrationState;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chaos run: three bbm replicas on one PostgreSQL run migrations of every job class on tables
 * with gaps in their ids and typed columns, while the application writes to those tables, and
 * for {@code bbm.chaos.seconds} replicas are killed and started again, bbm's sessions are
 * terminated, PostgreSQL restarts, tables are locked and an operator fires actions at random.
 * Then the faults stop, everything is let to settle, and every invariant is checked:
 * <ol>
 * <li>each row changed exactly once by a migration that finished by running (at most once by one
 *     marked finished): copied, backfilled with exactly the queued value, deleted when it matched;</li>
 * <li>nothing outside a migration's [min_value, max_value] touched;</li>
 * <li>no two succeeded jobs of a migration overlap, a finished migration's jobs tile its range;</li>
 * <li>every job status change is one the code makes, and no job finished before it started;</li>
 * <li>every migration ends terminal or resumable;</li>
 * <li>readiness is DOWN exactly while some migration is unfinished.</li>
 * </ol>
 *
 * <p>Every random choice (tables, ranges, values, faults, actions, writes) comes from the seed
 * {@code bbm.chaos.seed}, each kind from its own stream, so that a replay makes the same choices.
 * When they happen relative to bbm's own work is up to the processes, and that is not repeatable:
 * a replay retells the story, not the interleaving. The events timeline is written to
 * {@code target/chaos/seed-N/timeline.txt}, who ran which jobs when to {@code jobs.txt}, beside the
 * replicas' logs.
 */
class ChaosIT {

    /** The default seed: a failure prints its own, which replays with {@code -Dbbm.chaos.seed=N}. */
    static final long DEFAULT_SEED = 1;
    /** Seconds of faults by default; the build runs it so, the profile {@code chaos} for longer. */
    static final int DEFAULT_SECONDS = 90;

    static final int REPLICAS = 3;
    /** Retries (or finalizes) of a migration that keeps failing once the faults are over. */
    static final int SETTLE_NUDGES = 3;
    /** How long a replica's readiness may take to tell the truth once nothing changes any more. */
    static final long READINESS_SETTLES_MS = 15_000;

    /**
     * Short leases so that the replicas take turns; a short lock_timeout so that locked tables
     * make batches time out, shrink and split; short health holds, so that a migration held by
     * the lock-waits or autovacuum indicator goes on within the run.
     */
    static final List<String> REPLICA_PROPERTIES = List.of(
            "bbm.engine.max-lease-time=PT3S", "bbm.engine.lock-timeout=PT1S", "bbm.database-health.hold-time=PT3S");

    private final long seed = Long.getLong("bbm.chaos.seed", DEFAULT_SEED);
    private final int seconds = Integer.getInteger("bbm.chaos.seconds", DEFAULT_SECONDS);

    /** What a run found: the invariants it broke, a line per migration, when the faults ended and all had settled. */
    private record Outcome(List<String> violations, List<String> migrations, long faultsEnd, long settled) {}

    @Test
    void randomFaultsBreakNoInvariant() throws Exception {
        String replay = "./mvnw -B verify -Pchaos -Dbbm.chaos.seed=" + seed + " -Dbbm.chaos.seconds=" + seconds;
        System.out.println("Chaos run: seed " + seed + ", " + seconds + " s of faults. Replay: " + replay);
        Path dir = Path.of("target", "chaos", "seed-" + seed).toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        ChaosLog log = new ChaosLog();
        Outcome outcome;
        try {
            outcome = run(dir, log);
        } catch (Exception e) {
            System.out.println("Timeline of the chaos run (seed " + seed + "):\n" + log.timeline());
            throw new AssertionError(
                    "Chaos run with seed " + seed + " (" + seconds + " s) stopped: " + e + "\nReplay: " + replay
                            + "\nTimeline and replica logs: " + dir,
                    e);
        } finally {
            log.write(dir.resolve("timeline.txt"));
        }
        List<String> violations = outcome.violations();
        System.out.println(report(log, outcome, log.unexpectedServerErrors(2000), replay, dir));
        if (!violations.isEmpty()) {
            System.out.println("Timeline of the chaos run (seed " + seed + "):\n" + log.timeline());
            fail("Chaos run with seed " + seed + " (" + seconds + " s) broke " + violations.size()
                    + " invariant(s):\n  "
                    + String.join("\n  ", BookkeepingChecks.shortened(violations)) + "\nReplay: " + replay
                    + "\nTimeline and replica logs: " + dir);
        }
        deleteRecursively(dir.resolve("pg"));
    }

    /** Sets up, injects faults for the run's length, lets everything settle and checks every invariant. */
    private Outcome run(Path dir, ChaosLog log) throws Exception {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom setupRandom = root.split();
        SplittableRandom faultRandom = root.split();
        SplittableRandom operatorRandom = root.split();
        SplittableRandom applicationRandom = root.split();
        SplittableRandom settleRandom = root.split();
        List<ChaosTable> tables = plan(setupRandom);
        try (FaultDatabase db = new FaultDatabase(dir.resolve("pg")).start()) {
            log.event("postgres up", dir.resolve("pg").toString());
            for (ChaosTable table : tables) {
                table.create(db);
            }
            log.event(
                    "tables created",
                    tables.stream()
                            .map(t -> t.name + " " + t.queueRequest())
                            .collect(Collectors.joining("\n           ", "\n           ", "")));
            try (Replicas replicas = new Replicas(dir, db, REPLICAS, REPLICA_PROPERTIES)) {
                log.event(
                        "replicas up",
                        REPLICAS + " (pids "
                                + replicas.up().stream()
                                        .map(i -> String.valueOf(replicas.get(i).pid()))
                                        .collect(Collectors.joining(", "))
                                + ")");
                Operator operator = new Operator(replicas, db, shuffled(tables, setupRandom), operatorRandom, log);
                int slots = 2 + setupRandom.nextInt(3);
                operator.send(
                        "settings",
                        "max running migrations " + slots,
                        r -> r.put(
                                "/api/v4/application/settings",
                                "{\"database_max_running_batched_background_migrations\": " + slots + "}"));

                long faultsStart = log.now();
                long faultsEnd = faultsStart + seconds * 1000L;
                FaultInjector faults = new FaultInjector(db, replicas, tables, faultRandom, log);
                try (ApplicationWriter application =
                        new ApplicationWriter(db, tables, applicationRandom, log).start()) {
                    operator.start(faultsStart + seconds * 700L);
                    try {
                        faults.run(faultsEnd);
                    } finally {
                        operator.stop();
                    }
                }
                log.event(
                        "faults end",
                        "replicas up: " + replicas.up() + (faults.allReplicasUp() ? "" : " (some did not start)"));
                // What is still not queued then is reported: "its migration was never queued".
                operator.queueTheRest(log.now() + 120_000);
                List<String> violations =
                        new ArrayList<>(readiness(operator, replicas, db, log, "once the faults ended"));

                boolean done = settle(operator, db, settleRandom, log, log.now() + (60L + seconds) * 1000);
                long settled = log.now();
                List<MigrationState> states = BookkeepingChecks.states(db, operator.markedFinished());
                for (ChaosTable table : tables) {
                    if (table.migrationId() != null
                            && settleRandom.nextBoolean()
                            && states.stream().anyMatch(s -> s.id() == table.migrationId() && s.status() == 3)) {
                        operator.ensureFinished(table);
                    }
                }
                states = BookkeepingChecks.states(db, operator.markedFinished());
                if (!done) {
                    violations.add("invariant 5: not every migration finished or failed within " + (60 + seconds)
                            + " s after the faults ended, with nothing in the way: " + states);
                }
                violations.addAll(operator.problems());
                violations.addAll(check(db, tables, states));
                violations.addAll(readiness(operator, replicas, db, log, "at the end"));
                Files.writeString(dir.resolve("jobs.txt"), db.timeline());
                return new Outcome(violations, BookkeepingChecks.summary(db), faultsEnd, settled);
            }
        }
    }

    /** A few tables of each job class, more for longer runs, so that migrations are queued all through. */
    private List<ChaosTable> plan(SplittableRandom random) {
        int each = Math.max(4, seconds / 25);
        List<ChaosTable> tables = new ArrayList<>();
        for (int i = 1; i <= each; i++) {
            tables.add(new CopyChaosTable("chaos_copy_" + i, random));
            tables.add(new BackfillChaosTable("chaos_backfill_" + i, random));
            tables.add(new DeleteChaosTable("chaos_delete_" + i, random));
        }
        return tables;
    }

    private static List<ChaosTable> shuffled(List<ChaosTable> tables, SplittableRandom random) {
        List<ChaosTable> order = new ArrayList<>(tables);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            ChaosTable swap = order.get(i);
            order.set(i, order.get(j));
            order.set(j, swap);
        }
        return order;
    }

    /**
     * Lets every migration run to its end: paused ones resumed or finalized, failed ones retried
     * or finalized (a few times at most).
     *
     * @return whether every migration finished or failed for good before {@code deadlineMs}
     */
    private static boolean settle(
            Operator operator, FaultDatabase db, SplittableRandom random, ChaosLog log, long deadlineMs)
            throws Exception {
        Map<Long, Integer> nudges = new HashMap<>();
        while (log.now() < deadlineMs) {
            List<MigrationState> states = BookkeepingChecks.states(db, Set.of());
            if (states.stream()
                    .allMatch(s -> s.status() == 3
                            || s.status() == 6
                            || s.status() == 4 && nudges.getOrDefault(s.id(), 0) >= SETTLE_NUDGES)) {
                log.event("settled", states.size() + " migrations");
                return true;
            }
            for (MigrationState state : states) {
                if (state.status() == 0) {
                    operator.act(random.nextBoolean() ? Operator.Action.RESUME : Operator.Action.FINALIZE, state.id());
                } else if (state.status() == 4 && nudges.merge(state.id(), 1, Integer::sum) <= SETTLE_NUDGES) {
                    operator.act(random.nextBoolean() ? Operator.Action.RETRY : Operator.Action.FINALIZE, state.id());
                }
            }
            Thread.sleep(1000);
        }
        return false;
    }

    /** Invariants 1 to 5. */
    private static List<String> check(FaultDatabase db, List<ChaosTable> tables, List<MigrationState> states)
            throws Exception {
        List<String> violations = new ArrayList<>(BookkeepingChecks.statuses(states));
        for (ChaosTable table : tables) {
            MigrationState state = states.stream()
                    .filter(s -> table.migrationId() != null && s.id() == table.migrationId())
                    .findFirst()
                    .orElse(null);
            if (state == null) {
                violations.add(table + ": its migration was never queued");
                continue;
            }
            violations.addAll(table.checkQueuedRange(state));
            violations.addAll(table.check(db, state));
        }
        violations.addAll(BookkeepingChecks.shortened(BookkeepingChecks.jobRanges(db)));
        violations.addAll(BookkeepingChecks.shortened(BookkeepingChecks.transitions(db)));
        return violations;
    }

    /**
     * Invariant 6 on every replica: readiness DOWN while some migration is unfinished (by the
     * migrations check), UP when none is. A migration that ends while the probe is answered
     * could go either way, so only what holds both before and after the probe is held against it.
     * A probe is repeated for a while: a check may be wrong once after a fault (a pooled
     * connection the fault cut), which is logged, but it must come right.
     */
    private static List<String> readiness(
            Operator operator, Replicas replicas, FaultDatabase db, ChaosLog log, String when) throws Exception {
        List<String> problems = new ArrayList<>();
        for (int index : replicas.up()) {
            String wrong = null;
            long deadline = log.now() + READINESS_SETTLES_MS;
            for (int probe = 1; ; probe++) {
                String verdict = readinessVerdict(operator, db, index);
                if (verdict == null) {
                    if (wrong != null) {
                        log.event(
                                "readiness wrong at first",
                                "replica " + index + " " + when + ", right at probe " + probe + "; at first: "
                                        + wrong.replaceAll("\\s+", " "));
                    }
                    break;
                }
                wrong = verdict;
                if (log.now() > deadline) {
                    problems.add("invariant 6: replica " + index + " " + when + ", for " + READINESS_SETTLES_MS / 1000
                            + " s (" + probe + " probes): " + verdict);
                    break;
                }
                Thread.sleep(1000);
            }
        }
        return problems;
    }

    /** What is wrong with one readiness probe, or null. */
    private static String readinessVerdict(Operator operator, FaultDatabase db, int index) throws Exception {
        String unfinished = "SELECT id FROM batched_background_migrations WHERE status NOT IN (3, 6)";
        Set<Object> before = new HashSet<>(db.rows(unfinished));
        HttpResponse<String> response = operator.readiness(index);
        Set<Object> after = new HashSet<>(db.rows(unfinished));
        if (response == null) {
            return "no answer to the readiness probe";
        }
        before.retainAll(after);
        if (before.isEmpty() && after.isEmpty() && response.statusCode() != 200) {
            return "every migration is finished, yet readiness is " + response.statusCode() + ": " + response.body();
        }
        String migrationsCheck = checkStatus(response.body(), "batched-background-migrations");
        if (!before.isEmpty() && !"DOWN".equals(migrationsCheck)) {
            return "migrations " + before + " are unfinished, yet the migrations check is " + migrationsCheck + ": "
                    + response.body();
        }
        return null;
    }

    private static String checkStatus(String health, String name) throws IOException {
        for (JsonNode check : ChaosTable.JSON.readTree(health).path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check.path("status").asText();
            }
        }
        return "missing";
    }

    private String report(
            ChaosLog log, Outcome outcome, List<ChaosLog.ServerError> unexpected, String replay, Path dir) {
        Map<String, Integer> counts = log.counts();
        StringBuilder out =
                new StringBuilder("\n=== Chaos run: seed ").append(seed).append(" ===\n");
        out.append(String.format(
                "%d s of faults; %.0f s in all, settled %.0f s after the faults ended%n",
                seconds, log.now() / 1000.0, (outcome.settled() - outcome.faultsEnd()) / 1000.0));
        out.append("replay: ").append(replay).append('\n');
        out.append("faults: ")
                .append(joined(counts, k -> k.startsWith("fault ")))
                .append('\n');
        out.append("actions and events: ")
                .append(joined(counts, k -> !k.startsWith("fault ") && !k.startsWith("application")))
                .append('\n');
        out.append("application: ")
                .append(joined(counts, k -> k.startsWith("application")))
                .append('\n');
        out.append("5xx answers: ")
                .append(log.serverErrors())
                .append(", of which outside a PostgreSQL restart: ")
                .append(unexpected.size())
                .append('\n');
        unexpected.forEach(e -> out.append("  ").append(e).append('\n'));
        out.append("migrations (status 3 finished, 6 finalized, 4 failed):\n");
        outcome.migrations().forEach(m -> out.append("  ").append(m).append('\n'));
        out.append("invariants: ")
                .append(
                        outcome.violations().isEmpty()
                                ? "all hold"
                                : outcome.violations().size() + " violated")
                .append('\n');
        out.append("timeline and logs: ").append(dir).append('\n');
        return out.toString();
    }

    private static String joined(Map<String, Integer> counts, java.util.function.Predicate<String> kinds) {
        return counts.entrySet().stream()
                .filter(e -> kinds.test(e.getKey()))
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
