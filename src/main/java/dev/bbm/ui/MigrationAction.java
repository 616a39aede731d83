package dev.bbm.ui;

import dev.bbm.migration.MigrationRow;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.migration.MigrationTransition;
import dev.bbm.service.DatabaseServices;
import io.smallrye.mutiny.Uni;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What an operator can do to a migration from the admin pages: the same use cases as the API's
 * PUT endpoints. Whether a button shows follows the transition table, so a page never offers an
 * action the service would refuse (a stale page still gets the service's refusal).
 */
public enum MigrationAction {
    PAUSE("pause", "Pause", "paused", MigrationTransition.PAUSE),
    RESUME("resume", "Resume", "resumed", MigrationTransition.RESUME),
    RETRY("retry", "Retry", "retried: its failed batches run again", MigrationTransition.RETRY),
    FINALIZE("finalize", "Finalize", "finalizing: every remaining batch runs now", MigrationTransition.FINALIZE),
    /** Can lose data: offered on the migration's page only, behind a confirmation. */
    MARK_FINISHED(
            "mark_finished",
            "Mark finished",
            "marked finished without running its remaining batches",
            MigrationTransition.MARK_FINISHED);

    private final String param;
    private final String label;
    private final String outcome;
    private final MigrationTransition transition;

    MigrationAction(String param, String label, String outcome, MigrationTransition transition) {
        this.param = param;
        this.label = label;
        this.outcome = outcome;
        this.transition = transition;
    }

    /** Its path segment: {@code POST /admin/background_migrations/{id}/pause}. */
    public String param() {
        return param;
    }

    public String label() {
        return label;
    }

    /** How the page reports it done: "Migration 3 paused." */
    String outcome() {
        return outcome;
    }

    /** The buttons a migration of this status shows; finalizing one that finalizes already is pointless. */
    static List<MigrationAction> buttons(MigrationStatus status) {
        return Arrays.stream(values())
                .filter(a -> a != MARK_FINISHED && a.transition.allowedFrom(status))
                .filter(a -> !(a == FINALIZE && status == MigrationStatus.FINALIZING))
                .toList();
    }

    static boolean canMarkFinished(MigrationStatus status) {
        return MARK_FINISHED.transition.allowedFrom(status);
    }

    static Optional<MigrationAction> fromParam(String value) {
        return Arrays.stream(values()).filter(a -> a.param.equals(value)).findFirst();
    }

    /** Runs the use case; {@code actor} is recorded where the service keeps an audit trail. */
    Uni<MigrationRow> run(DatabaseServices.Served db, long id, String actor) {
        return switch (this) {
            case PAUSE -> db.actions().pause(id);
            case RESUME -> db.actions().resume(id);
            case RETRY -> db.actions().retry(id);
            case FINALIZE -> db.actions().finalizeUnlessDone(id, false);
            case MARK_FINISHED -> db.actions().markFinished(id, actor);
        };
    }
}
