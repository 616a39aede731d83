package dev.bbm.migration;

import java.util.List;

/** A page of migrations and how many match in all. */
public record MigrationPage(List<MigrationRow> rows, long total) {}
