package dev.bbm.migration;

import java.time.OffsetDateTime;

/**
 * When one batch ran, how large it was and how many rows its sub-batches changed: a point of the
 * migration page's throughput chart and of its batch-size history.
 *
 * @param rows the rows its sub-batches changed (GitLab's {@code affected_rows.sub_batch}, summed)
 */
public record JobTiming(
        long jobId,
        JobStatus status,
        int batchSize,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        double seconds,
        long rows) {

    /** Rows changed per second of the batch; 0 for one that took no measurable time. */
    public double rowsPerSecond() {
        return seconds > 0 ? rows / seconds : 0;
    }
}
