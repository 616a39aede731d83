package dev.bbm.service;

import java.util.List;

/**
 * Why a use case refused: every front end turns it into its own form (problem+json, a page's
 * message, a command's error line). The message is shown to the operator, so it says what to do.
 */
public abstract sealed class ServiceException extends RuntimeException {

    private ServiceException(String message) {
        super(message, null, false, false);
    }

    /** No migration (or configuration) by that name. */
    public static final class NotFound extends ServiceException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The migration's status does not allow the action; the message is GitLab's wording. */
    public static final class Refused extends ServiceException {
        public Refused(String message) {
            super(message);
        }
    }

    /** Something is in the way right now (a worker runs the migration's batch); it may succeed later. */
    public static final class Busy extends ServiceException {
        public Busy(String message) {
            super(message);
        }
    }

    /** The input is well-formed but invalid: each field with what is wrong with it. */
    public static final class InvalidInput extends ServiceException {
        private final transient List<FieldError> errors;

        public InvalidInput(List<FieldError> errors) {
            super(describe(errors));
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }

        private static String describe(List<FieldError> errors) {
            return errors.size() == 1
                    ? errors.get(0).field() + ": " + errors.get(0).message()
                    : errors.size() + " fields are invalid: "
                            + String.join(
                                    "; ",
                                    errors.stream()
                                            .map(e -> e.field() + ": " + e.message())
                                            .toList());
        }
    }
}
