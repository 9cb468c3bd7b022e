package io.ccsync.auth.flow;

/**
 * An authorization flow ended without tokens. The message says what happened and what to do, and never contains a
 * token, code or secret.
 */
public class AuthorizationException extends RuntimeException {
    public AuthorizationException(String message) {
        super(message);
    }

    public AuthorizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
