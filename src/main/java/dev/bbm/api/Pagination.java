package dev.bbm.api;

import dev.bbm.api.error.ApiException;
import dev.bbm.service.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** GitLab's offset pagination: {@code page}/{@code per_page} in, {@code X-…} headers out. */
final class Pagination {

    private Pagination() {}

    static int parse(String name, String value, int min, int max, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        // ASCII digits only: Integer.parseInt also reads other scripts' digits ("٢" is 2) and a '+'.
        String digits = value.trim();
        if (digits.matches("[0-9]{1,10}")) {
            try {
                int parsed = Integer.parseInt(digits);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // past Integer.MAX_VALUE: reported below
            }
        }
        String range = max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
        throw ApiException.validation(List.of(new FieldError(name, "must be an integer " + range)))
                .asBadRequest();
    }

    static Response.ResponseBuilder headers(Response.ResponseBuilder response, int page, int perPage, long total) {
        long totalPages = Math.max(1, (total + perPage - 1) / perPage);
        return response.header("X-Total", total)
                .header("X-Total-Pages", totalPages)
                .header("X-Page", page)
                .header("X-Per-Page", perPage)
                .header("X-Next-Page", page < totalPages ? String.valueOf(page + 1) : "")
                .header("X-Prev-Page", page > 1 ? String.valueOf(page - 1) : "");
    }
}
