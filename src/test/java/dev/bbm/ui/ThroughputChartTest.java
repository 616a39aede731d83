package dev.bbm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.migration.JobStatus;
import dev.bbm.migration.JobTiming;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The migration page's chart: one point per succeeded batch, scales on round numbers, words for the blind. */
class ThroughputChartTest {

    private static final OffsetDateTime START = OffsetDateTime.parse("2026-01-01T10:00:00Z");

    private static JobTiming job(long id, JobStatus status, int batchSize, int startSecond, double seconds, long rows) {
        return new JobTiming(
                id,
                status,
                batchSize,
                START.plusSeconds(startSecond),
                START.plusSeconds(startSecond).plusNanos((long) (seconds * 1e9)),
                seconds,
                rows);
    }

    @Test
    void scalesEndOnRoundNumbers() {
        assertEquals(1, ThroughputChart.niceCeiling(0));
        assertEquals(1, ThroughputChart.niceCeiling(0.7));
        assertEquals(2500, ThroughputChart.niceCeiling(2100));
        assertEquals(5000, ThroughputChart.niceCeiling(4999));
        assertEquals(10_000, ThroughputChart.niceCeiling(5001));
    }

    @Test
    void eachSucceededBatchIsAPointAndTheChartDescribesItself() {
        String svg = ThroughputChart.svg(List.of(
                job(1, JobStatus.SUCCEEDED, 1000, 0, 2, 1000),
                job(2, JobStatus.FAILED, 1000, 3, 1, 0),
                job(3, JobStatus.SUCCEEDED, 2000, 5, 2, 2000)));
        assertEquals(2, svg.split("<circle ", -1).length - 1);
        assertTrue(svg.contains("role=\"img\""));
        assertTrue(svg.contains("<desc id=\"chart-desc\">3 batches between 2026-01-01 10:00:00 UTC and"
                + " 2026-01-01 10:00:07 UTC: from 500 to 1,000 rows per second; batch size from 1,000 to 2,000."));
        assertTrue(svg.contains("Job 3: 1,000 rows/s, batch size 2,000"));
    }

    @Test
    void noBatchNoChart() {
        assertEquals("", ThroughputChart.svg(List.of()));
    }
}
