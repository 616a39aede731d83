package dev.bbm.faults;

import dev.bbm.faults.ChaosTable.MigrationState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants of the chaos run over bbm's own tables: no two succeeded jobs of a migration
 * cover a key twice and a finished migration's jobs tile its range (3), every job status change
 * in the transition logs is one the code makes (4), every migration ends in a terminal or
 * resumable status (5).
 */
final class BookkeepingChecks {

    /** How many lines of one kind a report lists before it only counts the rest. */
    private static final int LISTED = 10;

    private BookkeepingChecks() {}

    /** Every migration as the run ends; marked finished when a transition log or the operator says so. */
    static List<MigrationState> states(FaultDatabase db, Set<Long> markedByOperator) throws Exception {
        List<MigrationState> states = new ArrayList<>();
        for (List<Object> row : db.rows("""
                SELECT m.id, m.min_value, m.max_value, m.status, EXISTS (
                    SELECT 1 FROM batched_background_migration_jobs j
                    JOIN batched_background_migration_job_transition_logs l ON l.batched_background_migration_job_id = j.id
                    WHERE j.batched_background_migration_id = m.id AND l.exception_class = 'MarkedFinished')
                FROM batched_background_migrations m ORDER BY m.id""")) {
            long id = number(row.get(0));
            states.add(new MigrationState(
                    id,
                    number(row.get(1)),
                    number(row.get(2)),
                    (int) number(row.get(3)),
                    (Boolean) row.get(4) || markedByOperator.contains(id)));
        }
        return states;
    }

    /** Invariant 3: succeeded jobs of one migration never overlap; a finished one's jobs all succeeded and tile its range. */
    static List<String> jobRanges(FaultDatabase db) throws Exception {
        List<String> problems = new ArrayList<>();
        for (List<Object> row : db.rows("""
                SELECT x.batched_background_migration_id, x.id, x.min_value, x.max_value, y.id, y.min_value, y.max_value,
                       (SELECT string_agg(DISTINCT l.exception_class, ', ') FROM batched_background_migration_job_transition_logs l
                        WHERE l.batched_background_migration_job_id IN (x.id, y.id))
                FROM batched_background_migration_jobs x JOIN batched_background_migration_jobs y
                  ON x.batched_background_migration_id = y.batched_background_migration_id AND x.id < y.id
                 AND x.status = 3 AND y.status = 3
                 AND int8range(x.min_value, x.max_value, '[]') && int8range(y.min_value, y.max_value, '[]')
                ORDER BY 1, 2""")) {
            problems.add(String.format(
                    "invariant 3: migration %s: succeeded jobs %s [%s, %s] and %s [%s, %s] overlap"
                            + " (exception classes in their logs: %s)",
                    row.toArray()));
        }
        Map<Long, List<List<Object>>> jobsByMigration = new LinkedHashMap<>();
        for (List<Object> row : db.rows("""
                SELECT m.id, m.min_value, m.max_value, j.id, j.min_value, j.max_value, j.status
                FROM batched_background_migrations m JOIN batched_background_migration_jobs j
                  ON j.batched_background_migration_id = m.id
                WHERE m.status IN (3, 6) ORDER BY m.id, j.min_value, j.id""")) {
            jobsByMigration
                    .computeIfAbsent(number(row.get(0)), id -> new ArrayList<>())
                    .add(row);
        }
        jobsByMigration.forEach((migration, jobs) -> {
            long next = number(jobs.get(0).get(1));
            for (List<Object> job : jobs) {
                if (number(job.get(6)) != 3) {
                    problems.add("invariant 3: migration " + migration + " is finished, yet its job " + job.get(3)
                            + " is in status " + job.get(6));
                }
                if (number(job.get(4)) > next) {
                    problems.add("invariant 3: migration " + migration + " is finished, yet no job covers keys [" + next
                            + ", " + (number(job.get(4)) - 1) + "]");
                }
                next = Math.max(next, number(job.get(5)) + 1);
            }
            long max = number(jobs.get(0).get(2));
            if (next <= max) {
                problems.add("invariant 3: migration " + migration + " is finished, yet no job covers keys [" + next
                        + ", " + max + "]");
            }
        });
        return problems;
    }

    /**
     * Whether a job may go from one status to the other with this exception class, as the code
     * does it: created running (pending → running), run again (pending or failed → running),
     * done (running → succeeded or failed), refused before it started for want of a table or job
     * class (pending → failed), marked finished by an operator (any → succeeded, 'MarkedFinished').
     */
    static boolean legal(int from, int to, String exceptionClass) {
        boolean marked = "MarkedFinished".equals(exceptionClass);
        return switch (from + ">" + to) {
            case "0>1", "2>1" -> exceptionClass == null;
            case "1>2" -> exceptionClass != null;
            case "1>3" -> exceptionClass == null || marked;
            case "0>3", "2>3" -> marked;
            case "0>2" -> "UnknownJobClass".equals(exceptionClass) || "UndefinedTable".equals(exceptionClass);
            default -> false;
        };
    }

    /**
     * Invariant 4: each job's transition logs are legal steps that chain from pending to the
     * job's status, a job without logs is still pending, and no job finished before it started.
     */
    static List<String> transitions(FaultDatabase db) throws Exception {
        List<String> problems = new ArrayList<>();
        long jobId = -1;
        int expectedFrom = 0;
        int jobStatus = 0;
        List<List<Object>> logs = db.rows("""
                SELECT j.id, j.batched_background_migration_id, j.status, l.previous_status, l.next_status, l.exception_class, l.id
                FROM batched_background_migration_job_transition_logs l
                JOIN batched_background_migration_jobs j ON j.id = l.batched_background_migration_job_id
                ORDER BY j.id, l.id""");
        for (List<Object> log : logs) {
            if (number(log.get(0)) != jobId) {
                if (jobId >= 0 && expectedFrom != jobStatus) {
                    problems.add("invariant 4: job " + jobId + " is in status " + jobStatus
                            + " but its last transition log says " + expectedFrom);
                }
                jobId = number(log.get(0));
                jobStatus = (int) number(log.get(2));
                expectedFrom = 0;
            }
            int from = (int) number(log.get(3));
            int to = (int) number(log.get(4));
            String exceptionClass = (String) log.get(5);
            String step = "job " + jobId + " of migration " + log.get(1) + ": " + from + " → " + to
                    + (exceptionClass == null ? "" : " (" + exceptionClass + ")") + " in log " + log.get(6);
            if (!legal(from, to, exceptionClass)) {
                problems.add("invariant 4: illegal transition, " + step);
            }
            if (from != expectedFrom) {
                problems.add("invariant 4: transition logs do not chain, " + step + " after a log that ended in "
                        + expectedFrom);
            }
            expectedFrom = to;
        }
        if (jobId >= 0 && expectedFrom != jobStatus) {
            problems.add("invariant 4: job " + jobId + " is in status " + jobStatus
                    + " but its last transition log says " + expectedFrom);
        }
        for (List<Object> job : db.rows("""
                SELECT id, batched_background_migration_id, status FROM batched_background_migration_jobs j
                WHERE status <> 0 AND NOT EXISTS (SELECT 1 FROM batched_background_migration_job_transition_logs l
                                                  WHERE l.batched_background_migration_job_id = j.id) ORDER BY id""")) {
            problems.add("invariant 4: job " + job.get(0) + " of migration " + job.get(1) + " is in status "
                    + job.get(2) + " without a transition log");
        }
        for (List<Object> job : db.rows("""
                SELECT id, batched_background_migration_id, started_at::text, finished_at::text
                FROM batched_background_migration_jobs WHERE started_at > finished_at ORDER BY id""")) {
            problems.add("invariant 4: job " + job.get(0) + " of migration " + job.get(1) + " finished at " + job.get(3)
                    + ", before it started at " + job.get(2));
        }
        return problems;
    }

    /** Invariant 5: every migration terminal (finished, finalized, failed) or resumable (paused, active). */
    static List<String> statuses(List<MigrationState> states) {
        return states.stream()
                .filter(s -> !Set.of(0, 1, 3, 4, 6).contains(s.status()))
                .map(s -> "invariant 5: migration " + s.id() + " ended in status " + s.status()
                        + ", neither terminal nor resumable")
                .toList();
    }

    /** The first lines of a report, and how many more there are. */
    static List<String> shortened(List<String> problems) {
        if (problems.size() <= LISTED) {
            return problems;
        }
        List<String> listed = new ArrayList<>(problems.subList(0, LISTED));
        listed.add("… and " + (problems.size() - LISTED) + " more like these");
        return listed;
    }

    /** One line per migration: table, job class, range, status, its jobs by status, the exception classes of its logs. */
    static List<String> summary(FaultDatabase db) throws Exception {
        List<String> lines = new ArrayList<>();
        for (List<Object> row : db.rows("""
                SELECT m.id, m.table_name, m.job_class_name, m.min_value, m.max_value, m.status,
                       count(j.id), count(j.id) FILTER (WHERE j.status = 3), count(j.id) FILTER (WHERE j.status = 2),
                       count(j.id) FILTER (WHERE j.status IN (0, 1)),
                       (SELECT string_agg(c || ' ×' || n, ', ') FROM (
                            SELECT l.exception_class AS c, count(*) AS n FROM batched_background_migration_job_transition_logs l
                            JOIN batched_background_migration_jobs k ON k.id = l.batched_background_migration_job_id
                            WHERE k.batched_background_migration_id = m.id AND l.exception_class IS NOT NULL
                            GROUP BY 1 ORDER BY 2 DESC) e)
                FROM batched_background_migrations m LEFT JOIN batched_background_migration_jobs j
                  ON j.batched_background_migration_id = m.id
                GROUP BY m.id ORDER BY m.id""")) {
            lines.add(String.format(
                    "%3s %-18s %-38s [%s, %s] status %s: %s jobs (%s succeeded, %s failed, %s to do)%s",
                    row.get(0),
                    row.get(1),
                    row.get(2),
                    row.get(3),
                    row.get(4),
                    row.get(5),
                    row.get(6),
                    row.get(7),
                    row.get(8),
                    row.get(9),
                    row.get(10) == null ? "" : "; logs: " + row.get(10)));
        }
        return lines;
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
