package dev.bbm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SubBatchSizingTest {

    @Test
    void aTimedOutSubBatchShrinksByAQuarterButNotBelow35PercentOfTheOriginal() {
        assertEquals(75, SubBatchSizing.reduced(100, 100, 0.75, 0.35));
        assertEquals(56, SubBatchSizing.reduced(75, 100, 0.75, 0.35));
        assertEquals(42, SubBatchSizing.reduced(56, 100, 0.75, 0.35));
        assertEquals(42, SubBatchSizing.reduced(42, 100, 0.75, 0.35), "31 would be below 35");
        assertEquals(1, SubBatchSizing.reduced(1, 1, 0.75, 0.35));
    }
}
