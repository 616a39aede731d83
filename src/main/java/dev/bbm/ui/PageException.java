package dev.bbm.ui;

/** A request the admin pages refuse, with the status and the words the message page shows. */
final class PageException extends RuntimeException {

    private final int status;
    private final String title;

    PageException(int status, String title, String message) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
    }

    int status() {
        return status;
    }

    String title() {
        return title;
    }

    static PageException badRequest(String message) {
        return new PageException(400, "Bad request", message);
    }

    static PageException forbidden(String message) {
        return new PageException(403, "Not allowed", message);
    }
}
