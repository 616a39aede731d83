package dev.bbm.migration;

import java.util.List;

/** A job with its metrics (JSON as stored) and its transition logs, as the jobs view shows it. */
public record JobDetail(BatchedJob job, String metricsJson, List<JobTransitionLog> logs) {}
