package io.ccsync.auth;

/** The stored refresh token is dead (or there never was one): only a person running {@code ccsync authorize} helps. */
public final class ReauthorizationRequiredException extends RuntimeException {
    public ReauthorizationRequiredException(String reason) {
        super(reason);
    }
}
