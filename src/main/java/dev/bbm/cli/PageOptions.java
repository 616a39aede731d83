package dev.bbm.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** GitLab's {@code page} and {@code per_page}, and the line that says where in the list a page is. */
final class PageOptions {

    @Option(names = "--page", paramLabel = "N", description = "The page (default: 1)")
    Integer page;

    @Option(names = "--per-page", paramLabel = "N", description = "Rows per page, at most 100 (default: 20)")
    Integer perPage;

    /** {@code Page 1 of 3 (45 migrations); next: --page 2}, from GitLab's paging headers; {@code thing} is singular. */
    static void printFooter(ApiResponse response, String thing, PrintWriter out) {
        String page = response.header("X-Page");
        String pages = response.header("X-Total-Pages");
        String next = response.header("X-Next-Page");
        String total = response.header("X-Total");
        out.println("Page " + (page.isEmpty() ? "1" : page) + (pages.isEmpty() ? "" : " of " + pages) + " ("
                + (total.isEmpty() ? "?" : total) + " " + thing + (total.equals("1") ? "" : "s") + ")"
                + (next.isEmpty() ? "" : "; next: --page " + next));
    }
}
