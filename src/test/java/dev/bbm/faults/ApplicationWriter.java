package dev.bbm.faults;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The application, writing to the migrated tables all through the run: updates, inserts at the
 * end of the ids and inserts into the gaps, one statement at a time on its own session, which it
 * opens again when a fault cuts it.
 */
final class ApplicationWriter implements AutoCloseable {

    private final FaultDatabase db;
    private final List<ChaosTable> tables;
    private final SplittableRandom random;
    private final ChaosLog log;
    private final Thread thread;
    private volatile boolean stopped;

    ApplicationWriter(FaultDatabase db, List<ChaosTable> tables, SplittableRandom random, ChaosLog log) {
        this.db = db;
        this.tables = tables;
        this.random = random;
        this.log = log;
        this.thread = new Thread(this::write, "chaos-application");
    }

    ApplicationWriter start() {
        thread.start();
        return this;
    }

    private void write() {
        while (!stopped) {
            try (Connection connection = db.connect(FaultDatabase.TEST_SESSIONS + "-application");
                    Statement settings = connection.createStatement()) {
                // Longer than any lock the faults hold: the application waits, it does not fail.
                settings.execute("SET statement_timeout = '20s'");
                while (!stopped) {
                    tables.get(random.nextInt(tables.size())).write(connection, random);
                    log.count("application write");
                    Thread.sleep(5 + random.nextInt(20));
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.event(
                        "application write failed",
                        String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
    }
}
