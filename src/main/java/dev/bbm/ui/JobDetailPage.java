package dev.bbm.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bbm.migration.BatchedJob;
import dev.bbm.migration.JobDetail;
import dev.bbm.migration.MigrationRow;
import dev.bbm.service.DatabaseServices;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** One batch of a migration and why it failed: its transition logs, as GitLab's job page. */
@TemplateData
public record JobDetailPage(
        String database,
        long migrationId,
        String migrationName,
        String migrationHref,
        long jobId,
        String status,
        List<MigrationDetailPage.Parameter> parameters,
        List<Transition> transitions,
        String metrics) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the migration (for its name) and the job with its transition logs. */
    static Uni<JobDetailPage> load(DatabaseServices.Served db, long migrationId, long jobId) {
        String database = db.database();
        return Uni.combine()
                .all()
                .unis(db.migrations().get(migrationId), db.migrations().job(migrationId, jobId))
                .asTuple()
                .map(read -> {
                    MigrationRow row = read.getItem1();
                    JobDetail detail = read.getItem2();
                    BatchedJob job = detail.job();
                    return new JobDetailPage(
                            database,
                            migrationId,
                            row.migration().identifier(),
                            Links.migration(database, migrationId),
                            job.id(),
                            job.status().apiName(),
                            List.of(
                                    new MigrationDetailPage.Parameter(
                                            "Range",
                                            Formats.number(job.minValue()) + " – " + Formats.number(job.maxValue())),
                                    new MigrationDetailPage.Parameter("Batch size", Formats.number(job.batchSize())),
                                    new MigrationDetailPage.Parameter(
                                            "Sub-batch size", Formats.number(job.subBatchSize())),
                                    new MigrationDetailPage.Parameter(
                                            "Pause between sub-batches", job.pauseMs() + " ms"),
                                    new MigrationDetailPage.Parameter("Attempts", String.valueOf(job.attempts())),
                                    new MigrationDetailPage.Parameter(
                                            "Processed until", Formats.number(job.processedUntil())),
                                    new MigrationDetailPage.Parameter("Created", Formats.time(job.createdAt())),
                                    new MigrationDetailPage.Parameter("Started", Formats.time(job.startedAt())),
                                    new MigrationDetailPage.Parameter("Finished", Formats.time(job.finishedAt())),
                                    new MigrationDetailPage.Parameter("Updated", Formats.time(job.updatedAt()))),
                            detail.logs().stream()
                                    .map(l -> new Transition(
                                            Formats.time(l.createdAt()),
                                            Formats.isoTime(l.createdAt()),
                                            l.previousStatus().apiName(),
                                            l.nextStatus().apiName(),
                                            l.exceptionClass() == null ? "" : l.exceptionClass(),
                                            l.exceptionMessage() == null ? "" : l.exceptionMessage()))
                                    .toList(),
                            prettyJson(detail.metricsJson()));
                });
    }

    private static String prettyJson(String json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return String.valueOf(json);
        }
    }

    @TemplateData
    public record Transition(
            String at, String atIso, String from, String to, String exceptionClass, String exceptionMessage) {}
}
