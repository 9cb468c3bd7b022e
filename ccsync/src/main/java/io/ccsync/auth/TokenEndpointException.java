package io.ccsync.auth;

/**
 * The token endpoint refused or failed. The message is written for the person who must act and never contains a
 * token, code or secret. {@link Kind#retryable()} tells whether trying again later can help.
 */
public class TokenEndpointException extends RuntimeException {

    public enum Kind {
        /** The grant (refresh token, code, device code) is dead: a person must authorize again. */
        INVALID_GRANT(false),
        /** Client id or secret rejected. */
        INVALID_CLIENT(false),
        /** 429: more than one token call per second. */
        RATE_LIMITED(true),
        /** 5xx, or the connection failed. */
        UNAVAILABLE(true),
        /** A 200 whose content cannot be used (HTML, not a JWT, wrong client, missing scope or refresh token). */
        BAD_RESPONSE(false),
        /** Any other OAuth error. */
        REJECTED(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final String oauthError;

    public TokenEndpointException(Kind kind, String oauthError, String message) {
        super(message);
        this.kind = kind;
        this.oauthError = oauthError;
    }

    public Kind kind() {
        return kind;
    }

    /** The OAuth {@code error} code the server sent, or null. */
    public String oauthError() {
        return oauthError;
    }

    public boolean retryable() {
        return kind.retryable();
    }
}
