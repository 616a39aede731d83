package dev.bbm.ui;

import dev.bbm.migration.BatchedJob;
import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.JobCounts;
import dev.bbm.migration.JobDetail;
import dev.bbm.migration.JobPage;
import dev.bbm.migration.JobStatus;
import dev.bbm.migration.JobTiming;
import dev.bbm.migration.JobTransitionLog;
import dev.bbm.migration.MigrationRow;
import dev.bbm.service.DatabaseServices;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * One migration: every parameter, the chart of its batches, its batch-size history and the
 * batches that failed (GitLab's "Failed jobs"), each linking to its page.
 */
@TemplateData
public record MigrationDetailPage(
        String database,
        MigrationView migration,
        List<Parameter> parameters,
        String jobArguments,
        RawString chart,
        List<TimingRow> timings,
        List<BatchSizeStep> batchSizes,
        List<FailedJob> failedJobs,
        long failedTotal,
        String previousFailedHref,
        String nextFailedHref,
        String listHref,
        String markFinishedHref,
        String here,
        String notice) {

    /** A label and its value, as a row of the parameters' description list. */
    @TemplateData
    public record Parameter(String label, String value) {}

    @TemplateData
    public record TimingRow(
            long jobId, String status, String batchSize, String finishedAt, String seconds, String rows, String rate) {}

    /** From this job on, batches had this size (the optimizer's changes, and splits of failed batches). */
    @TemplateData
    public record BatchSizeStep(long fromJob, String batchSize, String since) {}

    @TemplateData
    public record FailedJob(
            long id, String href, String range, int attempts, String error, String finishedAt, String finishedAtIso) {}

    /** Failed jobs per page. */
    static final int FAILED_PER_PAGE = 20;

    /** The chart and the batch-size history cover this many of the newest batches. */
    static final int CHARTED_JOBS = 200;

    /** Reads the migration, the timings of its newest batches and a page of its failed jobs. */
    static Uni<MigrationDetailPage> load(DatabaseServices.Served db, long id, int failedPage, String notice) {
        String database = db.database();
        return db.migrations()
                .get(id)
                .flatMap(row -> Uni.combine()
                        .all()
                        .unis(
                                db.migrations().timings(id, CHARTED_JOBS),
                                db.migrations().jobs(id, JobStatus.FAILED, failedPage, FAILED_PER_PAGE))
                        .asTuple()
                        .map(read -> {
                            List<JobTiming> timings = read.getItem1();
                            JobPage failed = read.getItem2();
                            long failedPages = Math.max(1, (failed.total() + FAILED_PER_PAGE - 1) / FAILED_PER_PAGE);
                            return new MigrationDetailPage(
                                    database,
                                    MigrationView.of(row),
                                    parameters(row, database),
                                    String.valueOf(row.migration().jobArguments()),
                                    timings.isEmpty() ? null : new RawString(ThroughputChart.svg(timings)),
                                    timings.stream()
                                            .map(MigrationDetailPage::timingRow)
                                            .toList(),
                                    batchSizes(timings),
                                    failed.jobs().stream()
                                            .map(job -> failedJob(database, job))
                                            .toList(),
                                    failed.total(),
                                    failedPage > 1 ? Links.migration(database, id, failedPage - 1) : "",
                                    failedPage < failedPages ? Links.migration(database, id, failedPage + 1) : "",
                                    Links.list(database, Tab.of(row.migration().status()), 1),
                                    Links.action(database, id, MigrationAction.MARK_FINISHED),
                                    Links.migration(database, id),
                                    notice);
                        }));
    }

    static List<Parameter> parameters(MigrationRow row, String database) {
        BatchedMigration m = row.migration();
        JobCounts jobs = row.jobs();
        return List.of(
                new Parameter("ID", String.valueOf(m.id())),
                new Parameter("Database", database),
                new Parameter("Job class", m.jobClassName()),
                new Parameter("Table", m.tableName()),
                new Parameter("Column", m.columnName()),
                new Parameter("Status", m.status().apiName()),
                new Parameter("Batch size", Formats.number(m.batchSize())),
                new Parameter("Sub-batch size", Formats.number(m.subBatchSize())),
                new Parameter(
                        "Max batch size", Formats.number(m.maxBatchSize() == null ? null : (long) m.maxBatchSize())),
                new Parameter("Optimizes batch size", m.optimize() ? "yes" : "no"),
                new Parameter("Interval", m.interval() + " s"),
                new Parameter("Pause between sub-batches", m.pauseMs() + " ms"),
                new Parameter("Min value", Formats.number(m.minValue())),
                new Parameter("Max value", Formats.number(m.maxValue())),
                new Parameter("Priority", String.valueOf(m.priority())),
                new Parameter("Estimated rows", Formats.number(m.totalTupleCount())),
                new Parameter(
                        "Jobs",
                        "%d in all: %d pending, %d running, %d failed, %d succeeded"
                                .formatted(
                                        jobs.total(), jobs.pending(), jobs.running(), jobs.failed(), jobs.succeeded())),
                new Parameter("Rows migrated", Formats.number(jobs.succeededTuples())),
                new Parameter("Created", Formats.time(m.createdAt())),
                new Parameter("Updated", Formats.time(m.updatedAt())),
                new Parameter("Started", Formats.time(m.startedAt())),
                new Parameter("Finished", Formats.time(m.finishedAt())));
    }

    /** Each change of the batch size, from the oldest charted batch on. */
    static List<BatchSizeStep> batchSizes(List<JobTiming> timings) {
        List<BatchSizeStep> steps = new ArrayList<>();
        Integer last = null;
        for (JobTiming t : timings) {
            if (last == null || t.batchSize() != last) {
                steps.add(new BatchSizeStep(t.jobId(), Formats.number(t.batchSize()), Formats.time(t.startedAt())));
                last = t.batchSize();
            }
        }
        return steps;
    }

    private static TimingRow timingRow(JobTiming t) {
        return new TimingRow(
                t.jobId(),
                t.status().apiName(),
                Formats.number(t.batchSize()),
                Formats.time(t.finishedAt()),
                Formats.seconds(t.seconds()),
                Formats.number(t.rows()),
                t.status() == JobStatus.SUCCEEDED ? Formats.rate(t.rowsPerSecond()) : "—");
    }

    private static FailedJob failedJob(String database, JobDetail detail) {
        BatchedJob job = detail.job();
        JobTransitionLog lastError = detail.logs().stream()
                .filter(l -> l.exceptionClass() != null)
                .reduce((first, second) -> second)
                .orElse(null);
        return new FailedJob(
                job.id(),
                Links.job(database, job.migrationId(), job.id()),
                Formats.number(job.minValue()) + " – " + Formats.number(job.maxValue()),
                job.attempts(),
                lastError == null ? "—" : lastError.exceptionClass() + ": " + lastError.exceptionMessage(),
                Formats.time(job.finishedAt()),
                Formats.isoTime(job.finishedAt()));
    }

    public String actionHref(MigrationAction action) {
        return Links.action(database, migration.id(), action);
    }
}
