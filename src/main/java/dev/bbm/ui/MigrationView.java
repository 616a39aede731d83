package dev.bbm.ui;

import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.MigrationRow;
import io.quarkus.qute.TemplateData;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One migration as a row of the list and the head of its page: what GitLab's admin page shows,
 * already written out (progress and time remaining come from {@link MigrationRow}, as the API's).
 */
@TemplateData
public record MigrationView(
        long id,
        String name,
        String status,
        String progress,
        String progressValue,
        String timeRemaining,
        String onHold,
        String onHoldUntil,
        List<MigrationAction> actions,
        boolean canMarkFinished) {

    /** The estimate only while the migration runs: a paused or failed one does not get done by waiting. */
    static String timeRemaining(MigrationRow row) {
        return switch (row.migration().status()) {
            case FINISHED, FINALIZED -> "—";
            case PAUSED -> "— (paused)";
            case FAILED -> "— (failed)";
            case ACTIVE, FINALIZING ->
                row.estimatedTimeRemaining() == null
                        ? "Unknown until a batch has run"
                        : Formats.duration(row.estimatedTimeRemaining());
        };
    }

    static MigrationView of(MigrationRow row) {
        BatchedMigration m = row.migration();
        // A hold that has run out is history; the API still shows its reason, the page only a live one.
        boolean held = m.onHoldIndicator() != null
                && m.onHoldUntil() != null
                && m.onHoldUntil().isAfter(OffsetDateTime.now())
                && !m.status().isDone();
        return new MigrationView(
                m.id(),
                m.identifier(),
                m.status().apiName(),
                Formats.percent(row.progress()) + " %",
                row.progress().toPlainString(),
                timeRemaining(row),
                held ? m.onHoldIndicator() + ": " + m.onHoldReason() : "",
                held ? Formats.time(m.onHoldUntil()) : "",
                MigrationAction.buttons(m.status()),
                MigrationAction.canMarkFinished(m.status()));
    }
}
