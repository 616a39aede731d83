package dev.bbm.api.error;

import dev.bbm.problem.Problem;
import dev.bbm.service.FieldError;
import dev.bbm.service.ServiceException;
import java.util.List;

/**
 * A refusal with its HTTP status: thrown by services, turned into problem+json by
 * {@link ProblemMappers}. The detail is shown to the client, so it says what to do.
 */
public class ApiException extends RuntimeException {

    private final transient Problem problem;

    public ApiException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** The same problem answered as 400: for malformed input, as opposed to well-formed but invalid. */
    public ApiException asBadRequest() {
        return new ApiException(problem.withStatus(400));
    }

    /** The HTTP form of a service's refusal. */
    public static ApiException from(ServiceException e) {
        if (e instanceof ServiceException.InvalidInput invalid) {
            return validation(invalid.errors());
        }
        if (e instanceof ServiceException.Busy) {
            return conflict(e.getMessage());
        }
        return e instanceof ServiceException.NotFound ? notFound(e.getMessage()) : unprocessable(e.getMessage());
    }

    public static ApiException notFound(String detail) {
        return new ApiException(Problem.of("not-found", "Not found", 404, detail));
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(Problem.of("bad-request", "Bad request", 400, detail));
    }

    public static ApiException conflict(String detail) {
        return new ApiException(Problem.of("conflict", "Conflict", 409, detail));
    }

    /** An action that the migration's current state does not allow. */
    public static ApiException unprocessable(String detail) {
        return new ApiException(Problem.of("invalid-state", "Action not allowed", 422, detail));
    }

    public static ApiException validation(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid: "
                        + String.join(
                                "; ",
                                errors.stream()
                                        .map(e -> e.field() + ": " + e.message())
                                        .toList());
        return new ApiException(
                new Problem("https://bbm.dev/problems/validation", "Invalid request", 422, detail, errors));
    }
}
