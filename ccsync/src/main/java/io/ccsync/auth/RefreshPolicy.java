package io.ccsync.auth;

import java.time.Duration;
import java.time.Instant;

/**
 * When a refresh is due: the one place that decides it.
 *
 * @param margin          refresh when less than this remains before {@code exp} (capped at half the token's lifetime,
 *                        so 5-second sandbox tokens still get most of their life)
 * @param proactiveBefore the scheduled route refreshes when less than this remains (same cap), so that a sync
 *                        normally never waits on a refresh
 * @param keepAlive       the scheduled route refreshes a refresh token unused for this long (counted from the last
 *                        good refresh, {@link TokenState#refreshTokenLastUsed()}) even when idle, long before
 *                        Constant Contact's 180 unused days
 */
public record RefreshPolicy(Duration margin, Duration proactiveBefore, Duration keepAlive) {

    /** The hot-path check: is this token too close to its end to be sent? */
    public boolean due(AccessToken token, Instant now) {
        return !now.isBefore(token.expiresAt().minus(capped(margin, token)));
    }

    /** The scheduled check: refresh now so that no API call has to wait for it later? */
    public boolean dueAhead(TokenState state, AccessToken token, Instant now) {
        boolean nearEnd = !now.isBefore(token.expiresAt().minus(capped(proactiveBefore, token)));
        Instant lastUsed = state.refreshTokenLastUsed();
        boolean refreshTokenOld = lastUsed != null && !now.isBefore(lastUsed.plus(keepAlive));
        return nearEnd || refreshTokenOld;
    }

    private static Duration capped(Duration wanted, AccessToken token) {
        Duration lifetime = token.lifetime();
        if (lifetime == null) {
            return wanted;
        }
        Duration half = lifetime.dividedBy(2);
        return wanted.compareTo(half) > 0 ? half : wanted;
    }
}
