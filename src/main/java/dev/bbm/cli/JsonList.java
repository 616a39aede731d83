package dev.bbm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The elements of a JSON array the API answered. */
final class JsonList {

    private JsonList() {}

    static List<JsonNode> of(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }
}
