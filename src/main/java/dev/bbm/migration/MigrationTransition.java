package dev.bbm.migration;

import static dev.bbm.migration.MigrationStatus.ACTIVE;
import static dev.bbm.migration.MigrationStatus.FAILED;
import static dev.bbm.migration.MigrationStatus.FINALIZING;
import static dev.bbm.migration.MigrationStatus.FINISHED;
import static dev.bbm.migration.MigrationStatus.PAUSED;

import java.util.Set;

/**
 * Every change of a migration's status, with the statuses it may start from. Nothing changes a
 * status except through one of these edges; an edge tried from another status is refused.
 */
public enum MigrationTransition {
    /** An operator stops new batches; the running one completes. */
    PAUSE(Set.of(ACTIVE), PAUSED, "You can pause only active batched background migrations."),
    /** An operator lets a paused migration go on. */
    RESUME(Set.of(PAUSED), ACTIVE, "You can resume only paused batched background migrations."),
    /** An operator gives a failed migration's failed batches fresh attempts. */
    RETRY(Set.of(FAILED), ACTIVE, "You can retry only failed batched background migrations."),
    /** An operator asks for the remaining batches now, ignoring the interval. */
    FINALIZE(
            Set.of(ACTIVE, PAUSED, FAILED, FINALIZING),
            FINALIZING,
            "You can finalize only unfinished batched background migrations."),
    /** An operator declares the work done without doing it (data may be lost). */
    MARK_FINISHED(
            Set.of(ACTIVE, PAUSED, FAILED, FINALIZING),
            FINISHED,
            "You can mark finished only unfinished batched background migrations."),
    /** The engine ran the last batch and every batch succeeded. */
    FINISH(Set.of(ACTIVE, FINALIZING), FINISHED, "Only a running batched background migration can finish."),
    /** The engine's stop rules: too many failed batches, or batches out of attempts at the end. */
    FAIL(Set.of(ACTIVE, FINALIZING), FAILED, "Only a running batched background migration can fail.");

    private final Set<MigrationStatus> from;
    private final MigrationStatus to;
    private final String refusal;

    MigrationTransition(Set<MigrationStatus> from, MigrationStatus to, String refusal) {
        this.from = from;
        this.to = to;
        this.refusal = refusal;
    }

    public Set<MigrationStatus> from() {
        return from;
    }

    public MigrationStatus to() {
        return to;
    }

    /** What an operator is told when the migration's status does not allow this transition. */
    public String refusal() {
        return refusal;
    }

    public boolean allowedFrom(MigrationStatus status) {
        return from.contains(status);
    }
}
