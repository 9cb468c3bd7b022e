package io.ccsync.sandbox;

import java.time.Instant;

/**
 * One request the sandbox answered. {@code path} keeps the query string with secret values (code, tokens,
 * verifier, secret) replaced by {@code ***}; {@code status} 0 means the connection was dropped on purpose;
 * {@code clientId} is the client the request spoke for, or null when it did not say.
 */
public record LoggedRequest(String method, String path, int status, String clientId, Instant at) {
}
