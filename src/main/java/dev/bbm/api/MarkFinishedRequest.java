package dev.bbm.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The confirmation {@code mark_finished} needs, because it skips work and can lose data. */
@Schema(name = "MarkFinishedRequest")
public record MarkFinishedRequest(
        @Schema(
                required = true,
                example = "true",
                description = "Must be true: the remaining batches are recorded as done without running")
        Boolean confirm,

        @Schema(
                pattern = DatabaseParameterFilter.NAME_PATTERN,
                example = "main",
                description = "The database (GitLab's database parameter; the query's wins when both name it"
                        + " the same, two different names are a 400). Default main.")
        String database) {}
