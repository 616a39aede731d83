package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static dev.bbm.support.Api.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.db.JobRepository;
import dev.bbm.db.JobRepository.StartedJob;
import dev.bbm.db.TimeoutTransaction;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two workers that read the same furthest job cut the same next batch: one whose lease session
 * was cut and does not know it yet, and the one that took the lease over. Only the first insert
 * may create a job; the second finds the batch exists and creates nothing (the chaos run found
 * two succeeded jobs over one range when it did).
 */
@QuarkusTest
class StaleWorkerTest extends DatabaseTestCase {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Inject
    JobRepository jobs;

    private Uni<Optional<StartedJob>> cutNextBatch(long migrationId, String worker) {
        return TimeoutTransaction.run(
                pool,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                client -> jobs.startNext(
                        client, migrationId, "\"public\".\"stale_workers\"", "id", 1, 1000, 100, 50, 0, worker));
    }

    @Test
    void twoWorkersCuttingTheSameNextBatchCreateOneJob() {
        db.createCopyTable("stale_workers", 1000, 0);
        long id = admin().body(copy("stale_workers", "\"interval\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");

        Optional<StartedJob> first = cutNextBatch(id, "replica-a").await().atMost(LONG);
        Optional<StartedJob> second = cutNextBatch(id, "replica-b").await().atMost(LONG);

        assertTrue(first.isPresent());
        assertTrue(
                second.isEmpty(),
                "a second job was created over "
                        + second.map(s -> s.job().minValue() + ".." + s.job().maxValue())
                                .orElse(""));
        assertEquals(1, db.count("SELECT count(*) FROM batched_background_migration_jobs"));
    }

    @Test
    void twoWorkersCuttingAtOnceCreateOneJob() {
        db.createCopyTable("stale_workers", 1000, 0);
        long id = admin().body(copy("stale_workers", "\"interval\": 0"))
                .post(MIGRATIONS)
                .then()
                .statusCode(201)
                .extract()
                .<Integer>path("id");

        List<Optional<StartedJob>> both = Uni.join()
                .all(cutNextBatch(id, "replica-a"), cutNextBatch(id, "replica-b"))
                .andFailFast()
                .await()
                .atMost(LONG);

        assertEquals(1, both.stream().filter(Optional::isPresent).count());
        assertEquals(1, db.count("SELECT count(*) FROM batched_background_migration_jobs"));
        assertEquals(0, db.overlappingJobs());
    }
}
