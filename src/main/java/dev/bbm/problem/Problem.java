package dev.bbm.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bbm.service.FieldError;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem: the body of every error bbm answers. It also carries GitLab's members, so
 * that a client written for GitLab's API reads it: {@code message} (every error) and
 * {@code error} (a parameter that failed validation, as GitLab's {@code "page is invalid"}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "An error (RFC 9457 application/problem+json)")
public record Problem(
        @Schema(description = "A URI naming the kind of problem", example = "https://bbm.dev/problems/validation")
        String type,

        @Schema(example = "Invalid request") String title,
        @Schema(example = "422") int status,

        @Schema(description = "What went wrong and what to do about it")
        String detail,

        @Schema(description = "The invalid fields of a validation failure")
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://bbm.dev/problems/";

    public static Problem of(String kind, String title, int status, String detail) {
        return new Problem(TYPE_BASE + kind, title, status, detail, List.of());
    }

    /** GitLab's {@code message}: the same text as {@code detail}. */
    @JsonProperty("message")
    @Schema(description = "GitLab's member for the same text as detail", readOnly = true)
    public String message() {
        return detail;
    }

    /** GitLab's {@code error} for a malformed parameter: each invalid field and what is wrong with it. */
    @JsonProperty("error")
    @Schema(description = "GitLab's member for a malformed parameter, e.g. 'page must be an integer'", readOnly = true)
    public String error() {
        if (status != 400 || errors == null || errors.isEmpty()) {
            return null;
        }
        return String.join(
                ", ", errors.stream().map(e -> e.field() + " " + e.message()).toList());
    }

    public Problem withStatus(int newStatus) {
        return new Problem(type, title, newStatus, detail, errors);
    }
}
