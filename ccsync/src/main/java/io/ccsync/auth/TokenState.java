package io.ccsync.auth;

import java.time.Instant;

/**
 * Everything the token store keeps for the connected account: the token pair and what ccsync knows about it.
 * Immutable; every change makes a new state with a higher {@link #version()} so that stores can compare-and-swap.
 * The token values are secrets: {@link #toString()} leaves them out.
 *
 * @param version              incremented on every write; 0 means "never stored"
 * @param accessToken          the current access token (a JWT), or null before the first authorization
 * @param refreshToken         the current refresh token, or null
 * @param scope                the scopes granted, space separated, as the token endpoint returned them
 * @param refreshTokenSince    when the current refresh token value was first received (its age; the 180-day limit)
 * @param refreshMode          rotating, long-lived, or unknown until the first refresh shows it
 * @param lastRefreshAt        when the last refresh attempt ended, or null
 * @param lastRefreshOutcome   how it ended: ok, invalid_grant, failed; null before the first
 * @param reauthorization      why a person must run {@code ccsync authorize} again, or null when not needed
 * @param refreshStartedAt     the crash marker: set just before a refresh call, cleared when its answer is stored
 */
public record TokenState(
        long version,
        String accessToken,
        String refreshToken,
        String scope,
        Instant refreshTokenSince,
        RefreshMode refreshMode,
        Instant lastRefreshAt,
        String lastRefreshOutcome,
        String reauthorization,
        Instant refreshStartedAt) {

    public enum RefreshMode { ROTATING, LONG_LIVED, UNKNOWN }

    public static final TokenState EMPTY = new TokenState(0, null, null, null, null, RefreshMode.UNKNOWN, null, null,
            null, null);

    /** The state after a successful authorization (authorization code or device flow). */
    public TokenState authorized(TokenResponse response, Instant now) {
        return new TokenState(version + 1, response.accessToken().value(), response.refreshToken(), response.scope(),
                now, RefreshMode.UNKNOWN, null, null, null, null);
    }

    /**
     * The state after a successful refresh; tells rotating from long-lived by whether the refresh token changed. A
     * refresh answer without a refresh token means "unchanged" (RFC 6749 section 6): the current one stays.
     */
    public TokenState refreshed(TokenResponse response, Instant now) {
        String next = response.refreshToken() == null ? refreshToken : response.refreshToken();
        boolean rotated = !next.equals(refreshToken);
        return new TokenState(version + 1, response.accessToken().value(), next, response.scope(),
                rotated ? now : refreshTokenSince, rotated ? RefreshMode.ROTATING : RefreshMode.LONG_LIVED, now, "ok",
                null, null);
    }

    /**
     * A 200 whose access token cannot be used (expired by this machine's clock, not a JWT, encrypted, missing a
     * scope) but whose refresh token is new: the rotated refresh token is what must survive, so it is stored with the
     * current access token, and {@code outcome} says what was wrong. The next refresh spends the new one.
     */
    public TokenState refreshTokenOnly(String newRefreshToken, String outcome, Instant now) {
        return new TokenState(version + 1, accessToken, newRefreshToken, scope, now, RefreshMode.ROTATING, now,
                outcome, null, null);
    }

    /** The crash marker: written (and flushed) before the refresh call leaves the process. */
    public TokenState refreshStarting(Instant now) {
        return new TokenState(version + 1, accessToken, refreshToken, scope, refreshTokenSince, refreshMode,
                lastRefreshAt, lastRefreshOutcome, reauthorization, now);
    }

    /** A refresh that failed before any answer arrived: the pair is unchanged, the crash marker cleared. */
    public TokenState refreshFailed(String outcome, Instant now) {
        return refreshFailed(outcome, now, false);
    }

    /**
     * A refresh that failed: the pair is unchanged. The crash marker stays when {@code answerKept} (an answer arrived
     * and is kept but its pair could not be stored): the next attempt, or the next start, finishes from it.
     */
    public TokenState refreshFailed(String outcome, Instant now, boolean answerKept) {
        return new TokenState(version + 1, accessToken, refreshToken, scope, refreshTokenSince, refreshMode, now,
                outcome, reauthorization, answerKept ? refreshStartedAt : null);
    }

    /**
     * When the refresh token last proved alive: the last good refresh, or its first receipt. The keep-alive counts
     * from here, so a long-lived token that never rotates is refreshed once per period, not every tick after it.
     */
    public Instant refreshTokenLastUsed() {
        if (lastRefreshAt != null && "ok".equals(lastRefreshOutcome)
                && (refreshTokenSince == null || lastRefreshAt.isAfter(refreshTokenSince))) {
            return lastRefreshAt;
        }
        return refreshTokenSince;
    }

    /** The refresh token is dead: only {@code ccsync authorize} can repair it. */
    public TokenState reauthorizationNeeded(String reason, Instant now) {
        return new TokenState(version + 1, accessToken, refreshToken, scope, refreshTokenSince, refreshMode, now,
                "invalid_grant", reason, null);
    }

    public boolean hasTokens() {
        return accessToken != null;
    }

    @Override
    public String toString() {
        return "TokenState[version=" + version + ", scope=" + scope + ", refreshMode=" + refreshMode
                + ", lastRefreshOutcome=" + lastRefreshOutcome + ", reauthorization=" + reauthorization
                + ", refreshStartedAt=" + refreshStartedAt + ", tokens=" + (hasTokens() ? "***" : "none") + "]";
    }
}
