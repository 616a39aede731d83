package dev.bbm.migration;

import java.util.List;

/** Which migrations a list shows; null means "any". */
public record MigrationFilter(List<MigrationStatus> statuses, String jobClassName, String tableName) {}
