package dev.bbm.ui;

import dev.bbm.migration.MigrationStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The tabs of GitLab's Monitoring › Background migrations page: each lists migrations of some
 * statuses. Queued holds those that run or may run again (active and paused).
 */
public enum Tab {
    QUEUED("queued", "Queued", List.of(MigrationStatus.ACTIVE, MigrationStatus.PAUSED)),
    FINALIZING("finalizing", "Finalizing", List.of(MigrationStatus.FINALIZING)),
    FAILED("failed", "Failed", List.of(MigrationStatus.FAILED)),
    FINISHED("finished", "Finished", List.of(MigrationStatus.FINISHED, MigrationStatus.FINALIZED));

    private final String param;
    private final String label;
    private final List<MigrationStatus> statuses;

    Tab(String param, String label, List<MigrationStatus> statuses) {
        this.param = param;
        this.label = label;
        this.statuses = statuses;
    }

    /** Its value of the {@code tab} query parameter, as in GitLab's URLs. */
    public String param() {
        return param;
    }

    public String label() {
        return label;
    }

    public List<MigrationStatus> statuses() {
        return statuses;
    }

    static Optional<Tab> fromParam(String value) {
        return Arrays.stream(values()).filter(t -> t.param.equals(value)).findFirst();
    }

    static Tab of(MigrationStatus status) {
        return Arrays.stream(values())
                .filter(t -> t.statuses.contains(status))
                .findFirst()
                .orElseThrow();
    }
}
