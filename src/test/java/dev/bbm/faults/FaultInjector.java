package dev.bbm.faults;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chaos run's faults, one after the other at random moments: replicas killed with SIGKILL
 * (and started again a few seconds later), bbm's database sessions terminated, PostgreSQL
 * restarted, tables locked. Every choice comes from its own random source, seeded by the run.
 */
final class FaultInjector {

    enum Fault implements Weighted {
        KILL_REPLICA(3),
        TERMINATE_SESSIONS(4),
        RESTART_POSTGRES(2),
        LOCK_TABLE(3),
        LOCK_BOOKKEEPING(1);

        private final int weight;

        Fault(int weight) {
            this.weight = weight;
        }

        @Override
        public int weight() {
            return weight;
        }
    }

    private final FaultDatabase db;
    private final Replicas replicas;
    private final List<ChaosTable> tables;
    private final SplittableRandom random;
    private final ChaosLog log;
    /** Killed replicas and when (ms into the run) each is started again. */
    private final Map<Integer, Long> restartAt = new ConcurrentHashMap<>();

    private final Set<Integer> starting = ConcurrentHashMap.newKeySet();

    FaultInjector(FaultDatabase db, Replicas replicas, List<ChaosTable> tables, SplittableRandom random, ChaosLog log) {
        this.db = db;
        this.replicas = replicas;
        this.tables = tables;
        this.random = random;
        this.log = log;
    }

    /** Injects faults until {@code untilMs} into the run, then brings every replica back up. */
    void run(long untilMs) throws Exception {
        while (log.now() < untilMs) {
            startDueReplicas();
            Thread.sleep(500 + random.nextInt(2500));
            Fault fault = choose();
            try {
                inject(fault);
            } catch (Exception e) {
                log.event("fault failed", fault + ": " + e);
            }
        }
        long deadline = log.now() + 180_000;
        while (!restartAt.isEmpty() && log.now() < deadline) {
            restartAt.replaceAll((index, at) -> Math.min(at, log.now()));
            startDueReplicas();
            Thread.sleep(250);
        }
    }

    private Fault choose() {
        Fault fault = Weighted.choose(Fault.values(), random);
        // Keep one replica up at least, so that the operator and the readiness probe have one.
        return fault == Fault.KILL_REPLICA && replicas.up().size() < 2 ? Fault.TERMINATE_SESSIONS : fault;
    }

    private void inject(Fault fault) throws Exception {
        switch (fault) {
            case KILL_REPLICA -> {
                List<Integer> up = replicas.up();
                int victim = up.get(random.nextInt(up.size()));
                long downMs = 500 + random.nextInt(7500);
                replicas.kill(victim);
                restartAt.put(victim, log.now() + downMs);
                log.event("fault kill replica", "replica " + victim + " (SIGKILL), down for " + downMs + " ms");
            }
            case TERMINATE_SESSIONS -> {
                boolean busyOnly = random.nextBoolean();
                long terminated = db.terminateBbmSessions(busyOnly);
                log.event(
                        "fault terminate sessions",
                        terminated + " of bbm's sessions" + (busyOnly ? " (busy ones)" : ""));
            }
            case RESTART_POSTGRES -> {
                long downMs = 500 + random.nextInt(4500);
                log.event("fault restart postgres", "stopping, down for " + downMs + " ms");
                log.databaseStopped();
                db.stop();
                Thread.sleep(downMs);
                startDatabase();
                log.databaseStarted();
                log.event("postgres started", "");
            }
            case LOCK_TABLE -> {
                ChaosTable table = tables.get(random.nextInt(tables.size()));
                long holdMs = 500 + random.nextInt(5500);
                log.event("fault lock table", "ACCESS EXCLUSIVE on " + table + " for " + holdMs + " ms");
                db.holdExclusiveLock(table.name, holdMs);
            }
            case LOCK_BOOKKEEPING -> {
                long holdMs = 500 + random.nextInt(2500);
                log.event(
                        "fault lock bookkeeping",
                        "ACCESS EXCLUSIVE on batched_background_migration_jobs for " + holdMs + " ms");
                db.holdExclusiveLock("batched_background_migration_jobs", holdMs);
            }
        }
    }

    /** A start can fail while the old server's port is still being released: tried a few times. */
    private void startDatabase() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                db.start();
                return;
            } catch (Exception e) {
                if (attempt == 5) {
                    throw e;
                }
                log.event("postgres start failed", "attempt " + attempt + ": " + e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    /**
     * Starts the killed replicas whose time has come, each in a thread of its own: a start takes
     * seconds, in which the faults go on (a replica that does not come up is tried again).
     */
    private void startDueReplicas() {
        for (Map.Entry<Integer, Long> due : restartAt.entrySet()) {
            int index = due.getKey();
            if (due.getValue() <= log.now() && !starting.contains(index)) {
                starting.add(index);
                new Thread(() -> startReplica(index), "chaos-start-replica-" + index).start();
            }
        }
    }

    private void startReplica(int index) {
        try {
            replicas.start(index);
            restartAt.remove(index);
            log.event(
                    "replica started",
                    "replica " + index + " (pid " + replicas.get(index).pid() + ")");
        } catch (Exception e) {
            restartAt.put(index, log.now() + 1000);
            log.event("replica start failed", "replica " + index + ": " + e.getMessage());
        } finally {
            starting.remove(index);
        }
    }

    /** Whether every replica is up again. */
    boolean allReplicasUp() {
        return restartAt.isEmpty();
    }
}
