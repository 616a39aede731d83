package dev.bbm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class BatchOptimizerTest {

    private final BatchOptimizer optimizer = new BatchOptimizer(BatchOptimizer.Settings.GITLAB);

    @Test
    void noOpinionBeforeTwentyBatches() {
        assertTrue(
                optimizer.smoothedEfficiency(Collections.nCopies(19, 1.0), 2.0).isEmpty());
        assertEquals(
                0.5,
                optimizer.smoothedEfficiency(Collections.nCopies(20, 1.0), 2.0).getAsDouble(),
                1e-9);
    }

    @Test
    void theNewestBatchWeighsMost() {
        List<Double> durations = new ArrayList<>(Collections.nCopies(20, 1.0));
        durations.set(0, 3.0);
        // 0.4 of the weight (normalised) sits on the newest batch.
        double efficiency = optimizer.smoothedEfficiency(durations, 1.0).getAsDouble();
        assertTrue(efficiency > 1.7 && efficiency < 1.9, String.valueOf(efficiency));
    }

    @Test
    void inTheTargetRangeTheSizeStays() {
        assertTrue(optimizer.nextBatchSize(5000, 0.92, null).isEmpty());
    }

    @Test
    void aFastBatchGrowsByAtMostTwentyPercentAndASlowOneShrinksToTheTarget() {
        assertEquals(OptionalInt.of(6000), optimizer.nextBatchSize(5000, 0.1, null));
        assertEquals(OptionalInt.of(2375), optimizer.nextBatchSize(5000, 2.0, null));
        assertEquals(OptionalInt.of(1000), optimizer.nextBatchSize(1200, 5.0, null), "never below 1,000");
        assertEquals(OptionalInt.of(5500), optimizer.nextBatchSize(5000, 0.1, 5500), "never above max_batch_size");
    }

    @Property(tries = 2000)
    void theSizeNeverLeavesItsBoundsNorGrowsMoreThanTwentyPercent(
            @ForAll @IntRange(min = 1000, max = 2_000_000) int batchSize,
            @ForAll @DoubleRange(min = 0.0001, max = 100) @Scale(6) double efficiency) {
        OptionalInt next = optimizer.nextBatchSize(batchSize, efficiency, null);
        if (next.isPresent()) {
            assertTrue(next.getAsInt() >= BatchOptimizer.MIN_BATCH_SIZE);
            assertTrue(next.getAsInt() <= BatchOptimizer.MAX_BATCH_SIZE);
            assertTrue(next.getAsInt() <= batchSize * BatchOptimizer.MAX_MULTIPLIER + 1e-6);
        }
    }

    /** A table where a batch takes {@code secondsPerKey × size}: the optimizer settles in the target range. */
    @Property(tries = 300)
    void itConvergesOnATableWhoseBatchTimeIsLinearInItsSize(
            @ForAll @IntRange(min = 1000, max = 200_000) int start,
            @ForAll @DoubleRange(min = 0.000001, max = 0.001) @Scale(8) double secondsPerKey,
            @ForAll @IntRange(min = 1, max = 300) int intervalSeconds) {
        int size = start;
        List<Double> durations = new ArrayList<>();
        for (int batch = 0; batch < 400; batch++) {
            durations.add(0, size * secondsPerKey);
            var efficiency = optimizer.smoothedEfficiency(durations, intervalSeconds);
            if (efficiency.isPresent()) {
                size = optimizer
                        .nextBatchSize(size, efficiency.getAsDouble(), null)
                        .orElse(size);
            }
        }
        double finalEfficiency = size * secondsPerKey / intervalSeconds;
        boolean atABound = size == BatchOptimizer.MIN_BATCH_SIZE || size == BatchOptimizer.MAX_BATCH_SIZE;
        assertTrue(
                atABound || (finalEfficiency >= 0.85 && finalEfficiency <= 1.0),
                "size " + size + " efficiency " + finalEfficiency);
    }
}
