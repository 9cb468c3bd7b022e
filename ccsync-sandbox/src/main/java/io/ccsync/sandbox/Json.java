package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/** The sandbox's JSON: one mapper, and the error shapes Constant Contact answers with. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static JsonNode parse(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The V3 error shape: an array of {error_key, error_message}. */
    static ArrayNode errors(String key, String message) {
        return errors(key, List.of(message));
    }

    static ArrayNode errors(String key, List<String> messages) {
        ArrayNode array = array();
        for (String m : messages) {
            array.addObject().put("error_key", key).put("error_message", m);
        }
        return array;
    }

    /** The single-object V3 error shape used for 401 and 429. */
    static ObjectNode error(String key, String message) {
        return object().put("error_key", key).put("error_message", message);
    }

    /** The OAuth error shape of the token endpoint. */
    static ObjectNode oauthError(String error, String description) {
        return object().put("error", error).put("error_description", description);
    }
}
