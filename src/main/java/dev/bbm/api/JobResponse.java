package dev.bbm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.migration.JobDetail;
import dev.bbm.migration.JobStatus;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One batch of a migration, with the history of its statuses. */
@Schema(name = "BatchedJob")
public record JobResponse(
        long id,
        long minValue,
        long maxValue,
        int batchSize,
        int subBatchSize,
        int pauseMs,
        JobStatus status,
        int attempts,

        @Schema(description = "The last key whose sub-batch committed")
        Long processedUntil,

        @Schema(ref = OpenApiFilter.JOB_METRICS) JsonNode metrics,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        List<TransitionLog> transitionLogs) {

    private static final com.fasterxml.jackson.databind.ObjectMapper METRICS_READER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    static JobResponse from(JobDetail detail) {
        var job = detail.job();
        JsonNode metrics;
        try {
            metrics = METRICS_READER.readTree(detail.metricsJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            metrics = null;
        }
        return new JobResponse(
                job.id(),
                job.minValue(),
                job.maxValue(),
                job.batchSize(),
                job.subBatchSize(),
                job.pauseMs(),
                job.status(),
                job.attempts(),
                job.processedUntil(),
                metrics,
                job.createdAt(),
                job.updatedAt(),
                job.startedAt(),
                job.finishedAt(),
                detail.logs().stream()
                        .map(l -> new TransitionLog(
                                l.previousStatus(),
                                l.nextStatus(),
                                l.exceptionClass(),
                                l.exceptionMessage(),
                                l.createdAt()))
                        .toList());
    }

    /** A change of the job's status, with the error that caused a failure. */
    @Schema(name = "JobTransitionLog")
    public record TransitionLog(
            JobStatus previousStatus,
            JobStatus nextStatus,
            @Schema(example = "LockTimeout") String exceptionClass,

            @Schema(example = "canceling statement due to lock timeout")
            String exceptionMessage,

            OffsetDateTime createdAt) {}
}
