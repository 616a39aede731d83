package dev.bbm.migration;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The status of a batched background migration, with GitLab's stored values (2 is unused). */
@Schema(
        name = "MigrationStatus",
        enumeration = {"paused", "active", "finished", "failed", "finalizing", "finalized"})
public enum MigrationStatus {
    PAUSED(0),
    ACTIVE(1),
    FINISHED(3),
    FAILED(4),
    FINALIZING(5),
    FINALIZED(6);

    private final short code;

    MigrationStatus(int code) {
        this.code = (short) code;
    }

    public short code() {
        return code;
    }

    @JsonValue
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Finished or finalized: the data is ready, nothing runs any more. */
    public boolean isDone() {
        return this == FINISHED || this == FINALIZED;
    }

    public static MigrationStatus fromCode(int code) {
        return Arrays.stream(values())
                .filter(s -> s.code == code)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Unknown migration status " + code));
    }

    public static Optional<MigrationStatus> fromApiName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName().equals(name)).findFirst();
    }
}
