package dev.bbm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobCounts;
import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** Progress and the estimated time remaining, as the list and the admin page show them. */
class MigrationResponseTest {

    private static BatchedMigration migration(
            MigrationStatus status, long min, long max, Long estimate, int batchSize, int interval) {
        OffsetDateTime now = OffsetDateTime.now();
        return new BatchedMigration(
                1,
                now,
                now,
                min,
                max,
                batchSize,
                100,
                interval,
                status,
                "CopyColumnUsingBackgroundMigrationJob",
                null,
                "events",
                "id",
                JsonNodeFactory.instance.arrayNode(),
                estimate,
                0,
                null,
                now,
                null,
                null,
                0,
                true,
                null,
                null,
                false);
    }

    private static JobCounts succeeded(long tuples) {
        return new JobCounts(0, 0, 0, 1, tuples);
    }

    @Test
    void progressIsTheShareOfTheEstimateThatSucceededBatchesCovered() {
        assertEquals(
                new BigDecimal("25.00"),
                MigrationResponse.progress(migration(MigrationStatus.ACTIVE, 1, 1000, 400L, 100, 0), succeeded(100)));
    }

    @Test
    void progressStaysBelow100UntilTheMigrationIsDoneHoweverFarOffTheEstimate() {
        assertEquals(
                new BigDecimal("99.99"),
                MigrationResponse.progress(migration(MigrationStatus.ACTIVE, 1, 1000, 400L, 100, 0), succeeded(800)));
        assertEquals(
                BigDecimal.valueOf(100),
                MigrationResponse.progress(migration(MigrationStatus.FINISHED, 1, 1000, 400L, 100, 0), succeeded(10)));
        assertEquals(
                BigDecimal.valueOf(100),
                MigrationResponse.progress(migration(MigrationStatus.FINALIZED, 1, 1000, 400L, 100, 0), succeeded(10)));
    }

    @Test
    void withoutAnEstimateTheKeyRangeCountsEvenWhenItSpansAllOfBigint() {
        assertEquals(
                new BigDecimal("10.00"),
                MigrationResponse.progress(migration(MigrationStatus.ACTIVE, -99, 900, null, 100, 0), succeeded(100)));
        assertEquals(
                new BigDecimal("0.00"),
                MigrationResponse.progress(
                        migration(MigrationStatus.ACTIVE, Long.MIN_VALUE, Long.MAX_VALUE, null, 100, 0),
                        succeeded(100)));
        assertEquals(
                BigDecimal.ZERO,
                MigrationResponse.progress(migration(MigrationStatus.ACTIVE, 1, 10, 0L, 100, 0), succeeded(0)));
    }

    @Test
    void theTimeRemainingIsTheBatchesLeftAtTheRecentPaceOrTheIntervalWhenLonger() {
        // 1,000 rows, 300 done: 7 batches of 100 left.
        assertEquals(
                14L,
                MigrationResponse.estimatedTimeRemaining(new MigrationRow(
                        migration(MigrationStatus.ACTIVE, 1, 1000, 1000L, 100, 0), succeeded(300), 2.0)));
        assertEquals(
                7 * 120L,
                MigrationResponse.estimatedTimeRemaining(new MigrationRow(
                        migration(MigrationStatus.ACTIVE, 1, 1000, 1000L, 100, 120), succeeded(300), 2.0)));
        // Finalizing ignores the interval.
        assertEquals(
                14L,
                MigrationResponse.estimatedTimeRemaining(new MigrationRow(
                        migration(MigrationStatus.FINALIZING, 1, 1000, 1000L, 100, 120), succeeded(300), 2.0)));
        // A partial batch counts as one.
        assertEquals(
                8L,
                MigrationResponse.estimatedTimeRemaining(new MigrationRow(
                        migration(MigrationStatus.ACTIVE, 1, 1000, 1000L, 100, 0), succeeded(250), 1.0)));
    }

    @Test
    void theTimeRemainingIsUnknownBeforeTheFirstBatchAndZeroOnceDone() {
        assertNull(MigrationResponse.estimatedTimeRemaining(
                new MigrationRow(migration(MigrationStatus.ACTIVE, 1, 1000, 1000L, 100, 0), succeeded(0), null)));
        assertEquals(
                0L,
                MigrationResponse.estimatedTimeRemaining(new MigrationRow(
                        migration(MigrationStatus.FINISHED, 1, 1000, 1000L, 100, 0), succeeded(0), null)));
        assertEquals(
                0L,
                MigrationResponse.estimatedTimeRemaining(new MigrationRow(
                        migration(MigrationStatus.FINALIZED, 1, 1000, 1000L, 100, 0), succeeded(0), 5.0)));
    }

    @Test
    void aRangeAsWideAsBigintDoesNotOverflowTheEstimate() {
        long seconds = MigrationResponse.estimatedTimeRemaining(new MigrationRow(
                migration(MigrationStatus.ACTIVE, Long.MIN_VALUE, Long.MAX_VALUE, null, 1000, 0), succeeded(0), 1.0));
        assertTrue(seconds > 0, "wrapped to " + seconds);
    }
}
