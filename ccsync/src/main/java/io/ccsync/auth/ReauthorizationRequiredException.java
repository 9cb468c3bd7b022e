package io.ccsync.auth;

/**
 * Only a person can help: the stored refresh token is dead (or there never was one), and {@code ccsync authorize} is
 * needed; or the token endpoint refused ccsync's own configuration (invalid_client and the like), which no retry can
 * mend. Either way the work that needs the API stops, and the message says what to do.
 */
public final class ReauthorizationRequiredException extends RuntimeException {
    private final boolean configuration;

    public ReauthorizationRequiredException(String reason) {
        this(reason, false);
    }

    private ReauthorizationRequiredException(String reason, boolean configuration) {
        super(reason);
        this.configuration = configuration;
    }

    /** The server refused the client configuration: fixed in the settings and a restart, not by authorizing. */
    public static ReauthorizationRequiredException configurationRefused(String reason) {
        return new ReauthorizationRequiredException(reason, true);
    }

    public boolean configurationRefused() {
        return configuration;
    }
}
