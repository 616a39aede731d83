package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** A successful answer of bbm's API: its status, its JSON body and its headers (GitLab's paging headers). */
record ApiResponse(int status, JsonNode body, HttpHeaders headers) {

    /** A header's value, or {@code ""} when it is absent (GitLab's {@code X-Next-Page} is empty on the last page). */
    String header(String name) {
        return headers.firstValue(name).orElse("");
    }
}
