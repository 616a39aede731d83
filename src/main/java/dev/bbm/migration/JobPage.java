package dev.bbm.migration;

import java.util.List;

/** A page of a migration's jobs and how many match in all. */
public record JobPage(List<JobDetail> jobs, long total) {}
