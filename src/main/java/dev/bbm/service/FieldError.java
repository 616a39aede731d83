package dev.bbm.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One invalid field, named as in the request ({@code batch_size}, {@code job_arguments}). */
@Schema(name = "FieldError")
public record FieldError(
        @Schema(example = "batch_size") String field,
        @Schema(example = "must be at least 1") String message) {}
