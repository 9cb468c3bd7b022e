package io.ccsync.ops;

import io.ccsync.auth.AccessToken;
import io.ccsync.auth.RefreshPolicy;
import io.ccsync.auth.TokenCache;
import io.ccsync.auth.TokenState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.annotations.HealthCheck;

/**
 * Readiness of the Constant Contact connection, as {@code /observe/health} shows it: DOWN with the reason when only a
 * person running {@code ccsync authorize} can help; UP otherwise, with the seconds left on the access token, the
 * refresh-token mode and the last refresh's outcome. Reads what the token cache holds and never refreshes: a health
 * probe every few seconds must not spend refresh tokens or the token endpoint's 1 call/s.
 */
@HealthCheck("ccsync-token")
public final class TokenHealthCheck extends AbstractHealthCheck {
    private final Supplier<TokenCache> tokens;
    private final RefreshPolicy policy;
    private final Supplier<Clock> clock;
    private final IntSupplier quotaUsed;

    /**
     * The beans are looked up when the check runs (they are bound by other configurations); {@code quotaUsed}: API
     * calls spent today, or -1 when delivery is not running here.
     */
    public TokenHealthCheck(Supplier<TokenCache> tokens, Duration refreshMargin, Supplier<Clock> clock,
            IntSupplier quotaUsed) {
        super("ccsync", "ccsync-token");
        this.tokens = tokens;
        this.policy = new RefreshPolicy(refreshMargin, refreshMargin, Duration.ofDays(180));
        this.clock = clock;
        this.quotaUsed = quotaUsed;
    }

    @Override
    public boolean isLiveness() {
        return false; // a restart does not re-authorize: only readiness goes DOWN
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        TokenState state = tokens.get().state();
        int used = quotaUsed.getAsInt();
        if (used >= 0) {
            builder.detail("api.quota.used-today", used);
        }
        if (!state.hasTokens()) {
            builder.down().detail("token.state", "not-authorized")
                    .message("No Constant Contact tokens are stored yet. Run `ccsync authorize` (or `ccsync "
                            + "device-login` on a server without a browser) once.");
            return;
        }
        builder.detail("token.refresh-mode", state.refreshMode().name().toLowerCase(java.util.Locale.ROOT));
        if (state.lastRefreshOutcome() != null) {
            builder.detail("token.last-refresh-outcome", state.lastRefreshOutcome());
            builder.detail("token.last-refresh-at", String.valueOf(state.lastRefreshAt()));
        }
        if (state.reauthorization() != null) {
            builder.down().detail("token.state", "reauthorization-needed").message(state.reauthorization());
            return;
        }
        String problem = tokens.get().configurationProblem();
        if (problem != null) {
            builder.down().detail("token.state", "configuration-refused").message(problem);
            return;
        }
        AccessToken token;
        try {
            token = AccessToken.parse(state.accessToken());
        } catch (IllegalArgumentException e) {
            builder.down().detail("token.state", "unreadable")
                    .message("The stored access token is not a JWT; run `ccsync authorize` to store a real one.");
            return;
        }
        Instant now = clock.get().instant();
        long secondsLeft = Math.max(0, Duration.between(now, token.expiresAt()).toSeconds());
        builder.detail("token.seconds-left", secondsLeft).detail("token.expires-at", token.expiresAt().toString());
        String condition = secondsLeft == 0 ? "expired" : policy.due(token, now) ? "expiring" : "healthy";
        builder.up().detail("token.state", condition);
        if (!"healthy".equals(condition)) {
            builder.message("The access token is " + condition + "; it is refreshed before the next API call.");
        }
    }
}
