package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One HTTP request and its answer: parameters, body, and the status it got (for the request log). */
final class HttpCall {
    /** Far above the 4 MB bulk limit, so the silent cut can be shown, but bounded. */
    static final int MAX_BODY = 64 * 1024 * 1024;

    private final HttpExchange exchange;
    private byte[] body;
    private Map<String, List<String>> query;
    private Map<String, List<String>> form;
    private int status = -1;
    private String clientId;
    private boolean loseAnswer;
    private java.util.function.IntConsumer beforeAnswer = status -> { };
    private java.util.function.IntConsumer afterAnswer = status -> { };
    private Instant bodyWriteStarted;

    HttpCall(HttpExchange exchange) {
        this.exchange = exchange;
    }

    String method() {
        return exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    }

    String path() {
        return exchange.getRequestURI().getPath();
    }

    String rawQuery() {
        return exchange.getRequestURI().getRawQuery();
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The media type without parameters, lower case; null when absent. */
    String mediaType() {
        String type = header("Content-Type");
        if (type == null) {
            return null;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    byte[] body() throws IOException {
        if (body == null) {
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                throw new BodyTooLarge();
            }
        }
        return body;
    }

    Map<String, List<String>> query() {
        if (query == null) {
            query = decode(rawQuery());
        }
        return query;
    }

    /** Form fields when the body is application/x-www-form-urlencoded, else empty. */
    Map<String, List<String>> form() throws IOException {
        if (form == null) {
            form = "application/x-www-form-urlencoded".equals(mediaType())
                    ? decode(new String(body(), StandardCharsets.UTF_8))
                    : Map.of();
        }
        return form;
    }

    /** A parameter from the form body, else from the query string (Constant Contact accepts both). */
    String param(String name) throws IOException {
        List<String> values = form().get(name);
        if (values == null) {
            values = query().get(name);
        }
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Query then form parameters, the form winning; first value of each. */
    Map<String, String> params() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        query().forEach((k, v) -> all.put(k, v.get(0)));
        form().forEach((k, v) -> all.put(k, v.get(0)));
        return all;
    }

    static Map<String, List<String>> decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            map.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return Collections.unmodifiableMap(map);
    }

    void json(int status, JsonNode node) throws IOException {
        send(status, "application/json", Json.bytes(node));
    }

    void html(int status, String html) throws IOException {
        send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    void redirect(String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        send(302, null, new byte[0]);
    }

    void noContent() throws IOException {
        send(204, null, new byte[0]);
    }

    void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    void send(int status, String contentType, byte[] bytes) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        this.status = status;
        beforeAnswer.accept(status); // logged before the client can see the answer and look at the log
        if (loseAnswer) {
            exchange.close(); // nothing written yet: the connection closes and the client gets no answer
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                bodyWriteStarted = Instant.now(); // no byte of the body can reach the client before this
                out.write(bytes);
            }
        }
        afterAnswer.accept(status); // the last byte has left for the client
    }

    /** Close the connection without a word: what a dropped connection looks like to a client. */
    void drop() {
        status = 0;
        beforeAnswer.accept(status);
        exchange.close();
    }

    /**
     * The lost-answer fault: the request is handled as usual, but its answer is never written; the connection is
     * closed instead, as when a network fails between the server's work and the client.
     */
    void loseAnswer() {
        loseAnswer = true;
    }

    boolean answerLost() {
        return loseAnswer && status > 0;
    }

    /** Ends the exchange; after an answer this keeps the connection for the next request. */
    void close() {
        exchange.close();
    }

    /** Runs with the status just before an answer (or a drop) reaches the client. */
    void beforeAnswer(java.util.function.IntConsumer hook) {
        this.beforeAnswer = hook;
    }

    /** Runs with the status right after an answer's last byte was handed to the connection. */
    void afterAnswer(java.util.function.IntConsumer hook) {
        this.afterAnswer = hook;
    }

    /** When the answer's body started to be written (the system clock), or null before or without a body. */
    Instant bodyWriteStarted() {
        return bodyWriteStarted;
    }

    boolean answered() {
        return status >= 0;
    }

    int status() {
        return status;
    }

    String clientId() {
        return clientId;
    }

    void clientId(String clientId) {
        this.clientId = clientId;
    }

    /** A body past {@link #MAX_BODY}: answered 413. */
    static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("request body over " + MAX_BODY + " bytes");
        }
    }
}
