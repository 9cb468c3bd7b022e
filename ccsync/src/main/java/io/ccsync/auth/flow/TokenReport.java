package io.ccsync.auth.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.auth.AccessToken;
import io.ccsync.auth.RefreshPolicy;
import io.ccsync.auth.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored token's state for {@code ccsync token}: everything a person or script needs to know, and never a token
 * or secret value.
 */
public final class TokenReport {

    /** The verdict, and the exit code {@code ccsync token} returns for it (from the CLI's one table, ExitCodes). */
    public enum Health {
        /** The access token is good beyond the refresh margin. */
        HEALTHY(0),
        /** The access token has expired or is within the refresh margin, and the refresh token can renew it. */
        REFRESH_DUE(1),
        /** Nothing usable is stored: only {@code ccsync authorize} (or device-login) helps. */
        REAUTHORIZATION_NEEDED(3); // not 2: that is a usage error, a typo in a cron job

        private final int exitCode;

        Health(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** Made on first use: the text report (`ccsync token` without --json) never needs Jackson's databind. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private final TokenState state;
    private final AccessToken token;
    private final String unreadable;
    private final Health health;
    private final String reason;
    private final String store;
    private final Instant now;

    private TokenReport(TokenState state, AccessToken token, String unreadable, Health health, String reason,
            String store, Instant now) {
        this.state = state;
        this.token = token;
        this.unreadable = unreadable;
        this.health = health;
        this.reason = reason;
        this.store = store;
        this.now = now;
    }

    /** Judges {@code state} at {@code now}; {@code policy} says when a refresh is due, as in {@code ccsync run}. */
    public static TokenReport of(TokenState state, RefreshPolicy policy, String store, Instant now) {
        if (!state.hasTokens()) {
            return new TokenReport(state, null, null, Health.REAUTHORIZATION_NEEDED, "no tokens are stored. Run "
                    + "`ccsync authorize` (or `ccsync device-login` on a machine without a browser) once.", store, now);
        }
        AccessToken token;
        try {
            token = AccessToken.parse(state.accessToken());
        } catch (AccessToken.NotAJwtException e) {
            return new TokenReport(state, null, e.getMessage(), Health.REAUTHORIZATION_NEEDED,
                    "the stored access token is not a JWT. Run `ccsync authorize`.", store, now);
        }
        if (state.reauthorization() != null) {
            return new TokenReport(state, token, null, Health.REAUTHORIZATION_NEEDED, state.reauthorization(), store,
                    now);
        }
        if (policy.due(token, now)) {
            if (state.refreshToken() == null) {
                return new TokenReport(state, token, null, Health.REAUTHORIZATION_NEEDED, "the access token "
                        + (token.expiresAt().isAfter(now) ? "expires soon" : "has expired") + " and there is no "
                        + "refresh token (offline_access was not granted). Run `ccsync authorize`.", store, now);
            }
            return new TokenReport(state, token, null, Health.REFRESH_DUE, "the access token "
                    + (token.expiresAt().isAfter(now) ? "is within the refresh margin" : "has expired")
                    + "; `ccsync run` refreshes it before its next call, or run `ccsync token refresh` now.", store, now);
        }
        return new TokenReport(state, token, null, Health.HEALTHY, null, store, now);
    }

    public Health health() {
        return health;
    }

    public String text() {
        List<String[]> rows = new ArrayList<>();
        if (token != null) {
            rows.add(row("subject", token.subject()));
            rows.add(row("client", token.clientId()));
            rows.add(row("scopes", state.scope() != null ? state.scope() : String.join(" ", token.scopes())));
            rows.add(row("issued", token.issuedAt() == null ? "unknown" : at(token.issuedAt())));
            rows.add(row("expires", at(token.expiresAt()) + " (" + expiry() + ")"));
        } else if (unreadable != null) {
            rows.add(row("access token", unreadable));
        }
        if (state.hasTokens()) {
            rows.add(row("refresh token", refreshToken()));
            rows.add(row("last refresh", state.lastRefreshAt() == null ? "none yet"
                    : at(state.lastRefreshAt()) + " (" + Durations.relative(Duration.between(now, state.lastRefreshAt()))
                    + "): " + state.lastRefreshOutcome()));
        }
        rows.add(row("re-authorization", health == Health.REAUTHORIZATION_NEEDED ? "NEEDED" : "not needed"));
        rows.add(row("store", store));
        StringBuilder b = new StringBuilder("Constant Contact token: ").append(switch (health) {
            case HEALTHY -> "healthy";
            case REFRESH_DUE -> "refresh due";
            case REAUTHORIZATION_NEEDED -> "re-authorization needed";
        }).append('\n');
        for (String[] r : rows) {
            b.append(String.format("  %-17s %s%n", r[0], r[1]));
        }
        if (reason != null) {
            b.append('\n').append(reason).append('\n');
        }
        return b.toString();
    }

    public String json() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("status", health.name().toLowerCase());
        o.put("exit_code", health.exitCode());
        o.put("reauthorization_needed", health == Health.REAUTHORIZATION_NEEDED);
        o.put("reason", reason);
        o.put("subject", token == null ? null : token.subject());
        o.put("client_id", token == null ? null : token.clientId());
        o.put("scopes", state.scope() != null ? state.scope()
                : token == null ? null : String.join(" ", token.scopes()));
        o.put("issued_at", token == null || token.issuedAt() == null ? null : at(token.issuedAt()));
        o.put("expires_at", token == null ? null : at(token.expiresAt()));
        if (token == null) {
            o.putNull("seconds_left");
        } else {
            o.put("seconds_left", token.remaining(now).toSeconds());
        }
        o.put("refresh_token_present", state.refreshToken() != null);
        o.put("refresh_token_mode", state.refreshToken() == null ? null : state.refreshMode().name().toLowerCase());
        o.put("refresh_token_since", state.refreshTokenSince() == null ? null : at(state.refreshTokenSince()));
        if (state.refreshTokenSince() == null) {
            o.putNull("refresh_token_age_days");
        } else {
            o.put("refresh_token_age_days", Duration.between(state.refreshTokenSince(), now).toDays());
        }
        o.put("last_refresh_at", state.lastRefreshAt() == null ? null : at(state.lastRefreshAt()));
        o.put("last_refresh_outcome", state.lastRefreshOutcome());
        o.put("store", store);
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String expiry() {
        Duration left = token.remaining(now);
        return left.isNegative() || left.isZero() ? "expired " + Durations.words(left) + " ago"
                : Durations.words(left) + " left";
    }

    private String refreshToken() {
        if (state.refreshToken() == null) {
            return "none (offline_access was not granted)";
        }
        String mode = switch (state.refreshMode()) {
            case ROTATING -> "rotating";
            case LONG_LIVED -> "long-lived";
            case UNKNOWN -> "present (rotating or long-lived: known after the first refresh)";
        };
        return state.refreshTokenSince() == null ? mode : mode + ", received " + at(state.refreshTokenSince()) + " ("
                + Durations.words(Duration.between(state.refreshTokenSince(), now)) + " ago)";
    }

    /** Whole seconds: the token's own claims have no more, and a person reads it faster. */
    private static String at(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String[] row(String name, String value) {
        return new String[] {name, value == null ? "unknown" : value};
    }
}
