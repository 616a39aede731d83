package dev.bbm.migration;

import static dev.bbm.migration.JobStatus.FAILED;
import static dev.bbm.migration.JobStatus.PENDING;
import static dev.bbm.migration.JobStatus.RUNNING;
import static dev.bbm.migration.JobStatus.SUCCEEDED;

import java.util.Set;

/**
 * Every change of a job's status (GitLab's {@code BatchedJob} state machine), with the statuses
 * it may start from. Each is written with its transition log; a job never moves otherwise.
 */
public enum JobTransition {
    /** A worker takes a new job, a pending one, or a failed one with attempts left. */
    START(Set.of(PENDING, FAILED), RUNNING),
    /** Its last sub-batch committed. */
    SUCCEED(Set.of(RUNNING), SUCCEEDED),
    /** A sub-batch failed, or the worker running it is gone. */
    FAIL(Set.of(RUNNING), FAILED),
    /** An operator marked the migration finished: the job counts as done without running. */
    MARK_FINISHED(Set.of(PENDING, RUNNING, FAILED), SUCCEEDED);

    private final Set<JobStatus> from;
    private final JobStatus to;

    JobTransition(Set<JobStatus> from, JobStatus to) {
        this.from = from;
        this.to = to;
    }

    public Set<JobStatus> from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }

    public boolean allowedFrom(JobStatus status) {
        return from.contains(status);
    }
}
