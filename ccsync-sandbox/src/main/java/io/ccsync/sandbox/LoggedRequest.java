package io.ccsync.sandbox;

import java.time.Instant;

/**
 * One request the sandbox answered. {@code path} keeps the query string with secret values (code, tokens,
 * verifier, secret) replaced by {@code ***}; {@code status} 0 means the connection was dropped on purpose;
 * {@code clientId} is the client the request spoke for, or null when it did not say; {@code answerLost} means the
 * request was handled and got {@code status}, but the connection was closed before the answer was written (the
 * lost-answer fault), so the client never saw it.
 */
public record LoggedRequest(String method, String path, int status, String clientId, Instant at,
        boolean answerLost) {

    /** A request whose answer reached the client (or that was dropped: status 0). */
    public LoggedRequest(String method, String path, int status, String clientId, Instant at) {
        this(method, path, status, clientId, at, false);
    }
}
