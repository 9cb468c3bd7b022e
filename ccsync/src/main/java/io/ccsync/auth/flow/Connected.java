package io.ccsync.auth.flow;

import io.ccsync.auth.AccessToken;
import io.ccsync.auth.TokenResponse;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.TokenStore;
import java.time.Duration;
import java.time.Instant;

/**
 * What an authorization achieved, for the person who ran it: who was connected, what was granted, until when. No
 * token values.
 */
public record Connected(String subject, String clientId, String scopes, Instant expiresAt, String store,
        String previousSubject) {

    /**
     * Stores a new authorization as the next version of whatever is stored, inside the refresh lock so a refresh
     * running in {@code ccsync run} at this moment cannot write an older pair over it.
     */
    public static Connected save(TokenStore store, TokenResponse response, Instant now) {
        String previous = store.withRefreshLock(() -> {
            TokenState before = store.read();
            // An answer kept from the old chain goes first: left beside the new pair (a crash or a failed delete
            // between the two), the next refresh would take it for the newer one and store the old chain back.
            store.clearIncoming();
            store.write(before.authorized(response, now));
            return subjectOf(before);
        });
        return new Connected(response.accessToken().subject(), response.accessToken().clientId(), response.scope(),
                response.accessToken().expiresAt(), store.describe(), previous);
    }

    public Connected(String subject, String clientId, String scopes, Instant expiresAt, String store) {
        this(subject, clientId, scopes, expiresAt, store, null);
    }

    private static String subjectOf(TokenState state) {
        try {
            return state.hasTokens() ? AccessToken.parse(state.accessToken()).subject() : null;
        } catch (RuntimeException e) {
            return null; // not a JWT: nothing to compare with
        }
    }

    /** The lines a person reads after connecting. */
    public String describe(Instant now) {
        String switched = previousSubject != null && !previousSubject.equals(subject)
                ? "Note: the stored tokens were of account " + previousSubject + "; they are replaced by those of "
                        + subject + ".\n" : "";
        return "Connected to Constant Contact.\n" + switched
                + String.format("  %-16s %s%n", "account (sub)", subject)
                + String.format("  %-16s %s%n", "client", clientId)
                + String.format("  %-16s %s%n", "scopes granted", scopes)
                + String.format("  %-16s %s%n", "access token", "good until " + expiresAt + " ("
                        + Durations.relative(Duration.between(now, expiresAt)) + "); ccsync refreshes it from now on")
                + String.format("  %-16s %s%n", "tokens stored in", store)
                + "If " + subject + " is not the account you meant, sign out of Constant Contact in the browser (or "
                + "use a private window) and run the command again: the new tokens replace these.\n"
                + "Run `ccsync token` any time to see the token's state.";
    }
}
