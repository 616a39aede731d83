package dev.bbm.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * bbm replicas (real processes) on one database, some of which may be down: killed and not yet
 * started again. Requests go to one that is up.
 */
final class Replicas implements AutoCloseable {

    private final List<BbmProcess> processes = new ArrayList<>();
    private final Set<Integer> down = ConcurrentHashMap.newKeySet();

    Replicas(Path dir, FaultDatabase db, int count, List<String> properties) throws Exception {
        for (int i = 0; i < count; i++) {
            BbmProcess replica =
                    new BbmProcess(Files.createDirectories(dir.resolve("replica-" + i))).database(db.reactiveUrl());
            properties.forEach(replica::with);
            processes.add(replica);
        }
        // Side by side: each takes seconds to start, and Flyway's lock keeps their schema work apart.
        ExecutorService starting = Executors.newFixedThreadPool(count);
        try {
            for (Future<BbmProcess> started : starting.invokeAll(processes.stream()
                    .map(replica -> (Callable<BbmProcess>) replica::start)
                    .toList())) {
                started.get();
            }
        } finally {
            starting.shutdown();
        }
    }

    int size() {
        return processes.size();
    }

    BbmProcess get(int index) {
        return processes.get(index);
    }

    /** The index of a replica that is up, or -1 when none is. */
    int pick(SplittableRandom random) {
        List<Integer> up = up();
        return up.isEmpty() ? -1 : up.get(random.nextInt(up.size()));
    }

    List<Integer> up() {
        return IntStream.range(0, processes.size())
                .filter(i -> !down.contains(i))
                .boxed()
                .toList();
    }

    List<Integer> down() {
        return IntStream.range(0, processes.size())
                .filter(down::contains)
                .boxed()
                .toList();
    }

    /** SIGKILL: taken out of the ones requests go to first, so that they fail only when in flight. */
    void kill(int index) throws InterruptedException {
        down.add(index);
        processes.get(index).kill();
    }

    /** Starts a killed replica again; one that does not come up is killed and stays down. */
    void start(int index) throws Exception {
        try {
            processes.get(index).start();
            down.remove(index);
        } catch (Exception e) {
            processes.get(index).kill();
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (BbmProcess replica : processes) {
            replica.close();
        }
    }
}
