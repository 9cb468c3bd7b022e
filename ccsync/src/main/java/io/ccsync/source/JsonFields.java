package io.ccsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A JSON object as the flat text fields the mapping reads: numbers and booleans as written, null as absent, a nested
 * object's fields as {@code outer.inner}, and a list of plain values joined with commas (a "lists" column).
 */
final class JsonFields {
    private JsonFields() {
    }

    static Map<String, String> of(JsonNode object) {
        Map<String, String> fields = new LinkedHashMap<>();
        add("", object, fields);
        return fields;
    }

    private static void add(String prefix, JsonNode object, Map<String, String> fields) {
        object.fields().forEachRemaining(e -> {
            String name = prefix + e.getKey();
            JsonNode value = e.getValue();
            if (value.isObject()) {
                add(name + ".", value, fields);
            } else if (value.isArray()) {
                StringJoiner joined = new StringJoiner(",");
                value.forEach(v -> joined.add(v.isValueNode() ? v.asText() : v.toString()));
                fields.put(name, joined.toString());
            } else if (!value.isNull()) {
                fields.put(name, value.asText());
            }
        });
    }

    /** "a number", "a list" … for a rejection that says what was found instead of an object. */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
