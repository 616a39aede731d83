package dev.bbm.migration;

import java.util.List;

/** A page of pending jobs of the non-batched queue, and how many there are in all. */
public record LegacyJobPage(List<LegacyJob> jobs, long total) {}
