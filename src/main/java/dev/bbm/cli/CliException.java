package dev.bbm.cli;

/**
 * What went wrong, as the operator reads it: one line on stderr ({@code bbm: <message>}) and the
 * exit code a script tests ({@link Bbm}'s exit code list).
 */
final class CliException extends RuntimeException {

    private final int exitCode;
    private final int httpStatus;

    CliException(int exitCode, String message) {
        this(exitCode, message, 0);
    }

    CliException(int exitCode, String message, int httpStatus) {
        super(message);
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
    }

    int exitCode() {
        return exitCode;
    }

    /** The HTTP status bbm answered with, 0 when it did not answer. */
    int httpStatus() {
        return httpStatus;
    }
}
