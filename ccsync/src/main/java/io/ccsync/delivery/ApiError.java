package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.http.base.HttpOperationFailedException;

/** What an API failure says, in words for a report: the status and the API's own messages. */
final class ApiError {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiError() {
    }

    /** The {@code error_key} of a failed call ("throttled", "quota_exceeded", …), or null. */
    static String key(Throwable failure) {
        if (failure instanceof HttpOperationFailedException h) {
            JsonNode body = body(h);
            JsonNode first = body.isArray() ? body.path(0) : body;
            return first.path("error_key").isTextual() ? first.path("error_key").asText() : null;
        }
        return null;
    }

    static String describe(Throwable failure) {
        if (failure instanceof HttpOperationFailedException h) {
            JsonNode body = body(h);
            List<String> messages = new ArrayList<>();
            (body.isArray() ? body : JSON.createArrayNode().add(body)).forEach(e -> {
                if (e.path("error_message").isTextual()) {
                    messages.add(e.path("error_message").asText());
                }
            });
            return "HTTP " + h.getStatusCode() + (messages.isEmpty() ? " " + h.getStatusText()
                    : ": " + String.join("; ", messages));
        }
        if (failure == null) {
            return "unknown failure";
        }
        String message = failure.getMessage();
        return (failure instanceof IOException ? "no answer from Constant Contact (" : "")
                + failure.getClass().getSimpleName() + (message == null ? "" : ": " + message)
                + (failure instanceof IOException ? ")" : "");
    }

    private static JsonNode body(HttpOperationFailedException h) {
        try {
            String text = h.getResponseBody();
            return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }
}
