package dev.bbm.migration;

import java.time.OffsetDateTime;

/**
 * The pace the impact controller set for a running migration under a database's impact budget,
 * and what it saw when it set it.
 *
 * @param budgetPercent how much slower the application may get, in percent
 * @param pauseMs       the pause between sub-batches now
 * @param slowdown      how much slower the probe is than while bbm was idle (0.1 = 10 % slower)
 * @param probeMillis   the probe's recent 90th percentile
 * @param baselineMillis the same while bbm was idle
 * @param reason        the last decision, in words
 * @param updatedAt     when it was taken
 */
public record MigrationPace(
        int budgetPercent,
        int pauseMs,
        Double slowdown,
        Double probeMillis,
        Double baselineMillis,
        String reason,
        OffsetDateTime updatedAt) {}
