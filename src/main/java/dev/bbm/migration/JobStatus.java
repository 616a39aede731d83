package dev.bbm.migration;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The status of one batch (a job), with GitLab's stored values. */
@Schema(
        name = "JobStatus",
        enumeration = {"pending", "running", "failed", "succeeded"})
public enum JobStatus {
    PENDING(0),
    RUNNING(1),
    FAILED(2),
    SUCCEEDED(3);

    private final short code;

    JobStatus(int code) {
        this.code = (short) code;
    }

    public short code() {
        return code;
    }

    @JsonValue
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromCode(int code) {
        return Arrays.stream(values())
                .filter(s -> s.code == code)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Unknown job status " + code));
    }

    public static Optional<JobStatus> fromApiName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName().equals(name)).findFirst();
    }
}
