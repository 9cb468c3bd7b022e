package io.ccsync.auth;

import io.ccsync.auth.TokenEndpointException.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;

/**
 * The one owner of a refresh. Every decision about spending, keeping and storing a refresh token is here, in the
 * order it happens:
 *
 * <ol>
 * <li>{@link #finishFromKeptAnswer}: a kept answer holding another refresh token than the stored one is finished
 *     before the stored token is spent (it may already be dead);</li>
 * <li>{@link #markStarting}: the crash marker, durable before the refresh token leaves the process;</li>
 * <li>{@link #request}: the refresh grant (each retry asks first whether the refresh lock is still ours);</li>
 * <li>the call, by the route ({@code routes/token.camel.yaml});</li>
 * <li>{@link #keepAnswer(byte[])}: the raw answer kept the moment it arrives, before any parsing;</li>
 * <li>{@link #response}: the refresh token read first, then the rest validated, then the pair stored; the kept
 *     answer is forgotten only once a pair is stored from it or the server said the token is dead;</li>
 * <li>{@link #recordFailure}: the outcome stored, the marker left in place while a kept answer waits.</li>
 * </ol>
 *
 * <p>The route shows steps 2 to 6; {@link #refresh} runs them all inside the store's refresh lock (the
 * {@link TokenCache} holds it). The store only reads, writes, locks and keeps: it carries no protocol.
 */
public final class TokenRefreshSteps implements TokenCache.Refresher {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenRefreshSteps.class);
    /** Exchange property holding the state as it was stored with the crash marker. */
    public static final String MARKED_STATE = "ccsync.tokenState";
    /**
     * Exchange property set once the answer is kept: an HTTP layer that journals the raw bytes itself (calling
     * {@link #keepAnswer(byte[])}) sets it so that the route's keep step does not write them twice.
     */
    public static final String ANSWER_KEPT = "ccsync.tokenAnswerKept";
    /** OAuth errors that say ccsync's configuration is wrong: no retry and no new refresh token can fix them. */
    private static final Set<String> CONFIGURATION_ERRORS = Set.of("invalid_client", "unauthorized_client",
            "unsupported_grant_type", "invalid_scope");

    private final TokenStore store;
    private final OAuthSettings settings;
    private final Clock clock;
    private final int retryAttempts;
    private volatile UnaryOperator<TokenState> route = current -> {
        throw new IllegalStateException("the token route is not connected yet");
    };

    public TokenRefreshSteps(TokenStore store, OAuthSettings settings, Clock clock, int retryAttempts) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.retryAttempts = retryAttempts;
    }

    /** Connects the route that runs steps 2 to 6 ({@code direct:token-refresh}); tests pass a scripted one. */
    public TokenRefreshSteps callingThrough(UnaryOperator<TokenState> tokenRoute) {
        this.route = tokenRoute;
        return this;
    }

    /**
     * The whole refresh, called inside the store's refresh lock with what the store holds: finish from a kept answer,
     * or mark, call, keep, validate and store; a failure is recorded without losing what arrived.
     */
    @Override
    public TokenState refresh(TokenState current) {
        TokenState finished = finishFromKeptAnswer(current);
        if (finished != null) {
            return finished;
        }
        try {
            return route.apply(current);
        } catch (ReauthorizationRequiredException e) {
            if (e.configurationRefused()) {
                // Refused before anything rotated: the marker goes, or the next start would take this for a crash.
                storeOutcome(e);
            }
            throw e; // invalid_grant stored its own verdict
        } catch (RuntimeException e) {
            recordFailure(e);
            throw e;
        }
    }

    /**
     * The token route's retry rule: a failure that may pass (429, 5xx, network) is tried again, up to the configured
     * number of retries, and only while this instance still holds the refresh lock; anything else ends the refresh.
     */
    public boolean retryable(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean passing = failure instanceof java.io.IOException
                || failure instanceof TokenEndpointException t && t.retryable();
        // Camel has already counted the retry this answer would start: 1 on the first failure.
        int retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return passing && retry <= retryAttempts && store.holdsRefreshLock();
    }

    /**
     * Step 2: the crash marker, durable before the refresh token leaves the process. Body: the current state. A kept
     * answer is never dropped here: {@link #finishFromKeptAnswer} ran just before and left only a stale one.
     */
    public void markStarting(Exchange exchange) {
        TokenState current = exchange.getMessage().getBody(TokenState.class);
        TokenState marked = current.refreshStarting(clock.instant());
        store.write(marked);
        exchange.setProperty(MARKED_STATE, marked);
    }

    /** Step 3 (repeated on each retry): the refresh grant as a form, with Basic client authentication. */
    public void request(Exchange exchange) {
        if (!store.holdsRefreshLock()) {
            throw new IllegalStateException("this instance lost the token refresh lock on " + store.describe()
                    + " (it was frozen or cut off longer than ccsync.token.lease, and another instance took over); "
                    + "it does not call the token endpoint again. The other instance refreshes.");
        }
        TokenState marked = exchange.getProperty(MARKED_STATE, TokenState.class);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", marked.refreshToken());
        var message = exchange.getMessage();
        // Nothing of a previous attempt's answer may travel as a request header; the retry count must stay.
        message.removeHeaders("*", Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERED, Exchange.REDELIVERY_MAX_COUNTER);
        exchange.removeProperty(ANSWER_KEPT);
        if (settings.hasSecret()) {
            message.setHeader("Authorization", basic(settings.clientId(), settings.clientSecret()));
        } else {
            form.put("client_id", settings.clientId()); // a PKCE (public) client has no secret
        }
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
        message.setHeader("Accept", "application/json");
        message.setBody(formEncode(form));
    }

    /**
     * Step 5, the route's form: a 200's body, as received, goes to {@link #keepAnswer(byte[])} before anything reads
     * it, and stays the body as those same bytes for {@link #response}.
     */
    public void keepArrivedAnswer(Exchange exchange) {
        var message = exchange.getMessage();
        if (message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class) != 200
                || exchange.getProperty(ANSWER_KEPT, false, Boolean.class)) {
            return; // only a 200 can carry a rotated token; an HTTP layer may have kept it already
        }
        byte[] raw = message.getBody(byte[].class);
        message.setBody(raw);
        try {
            keepAnswer(raw);
        } catch (RuntimeException e) {
            if (!stillOurs()) {
                throw e; // fenced: this instance lost the lease, and its answer must not mix with the new holder's
            }
            // The server has rotated: failing here would drop the only copy of the new refresh token. Storing the
            // pair itself (next step) may still succeed (a dropped connection, a full disk freed by now); if it fails
            // too, that failure is the one the caller sees.
            LOG.error("Could not keep the token endpoint's answer in {} ({}); storing its pair directly",
                    store.describe(), e.getMessage());
            return;
        }
        exchange.setProperty(ANSWER_KEPT, true);
    }

    /**
     * Step 5: keeps the token endpoint's raw answer (a 200's body, the bytes as received) the moment it arrives. From
     * here on a killed process, a failed store write or a bad access token does not lose the rotated refresh token.
     * Callable from the HTTP layer, before any conversion; then set {@link #ANSWER_KEPT} on the exchange.
     */
    public void keepAnswer(byte[] raw) {
        store.keepIncoming(new String(raw == null ? new byte[0] : raw, StandardCharsets.UTF_8));
        LOG.debug("Kept the token endpoint's answer in {}; storing its pair", store.describe());
    }

    /**
     * Step 6: judges the answer. On a 200 the refresh token is read before anything else, so a bad access token
     * (expired by this clock, encrypted, wrong scope) makes a clear error without losing it. A good pair is stored,
     * then becomes the body. {@code invalid_grant} is terminal once the kept answer and the row are checked again;
     * {@code invalid_client} and the other configuration refusals stop without a retry. 429 and 5xx throw a
     * retryable {@link TokenEndpointException} for the route's retry policy.
     */
    public TokenState response(Exchange exchange) {
        var message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] raw = message.getBody(byte[].class);
        String body = raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        TokenState marked = exchange.getProperty(MARKED_STATE, TokenState.class);
        TokenResponse response;
        try {
            response = TokenResponse.read(status, contentType, body, TokenResponse.Grant.REFRESH_TOKEN, settings,
                    clock.instant());
        } catch (TokenEndpointException e) {
            if (status == 200) {
                return storeRefreshTokenOnly(marked, TokenResponse.refreshTokenOf(body), e);
            }
            if (e.kind() == Kind.INVALID_GRANT) {
                return invalidGrant(marked, e);
            }
            if (e.kind() == Kind.INVALID_CLIENT
                    || e.oauthError() != null && CONFIGURATION_ERRORS.contains(e.oauthError())) {
                throw configurationRefused(e);
            }
            throw e;
        }
        // If this write fails, the marker and the kept answer stay: the next attempt or start finishes from them.
        TokenState next = marked.refreshed(response, clock.instant());
        store.write(next);
        forgetKeptAnswer();
        message.removeHeaders("*");
        return next;
    }

    /**
     * Before the stored refresh token is spent (inside the refresh lock) and at start: a kept answer whose refresh
     * token differs from the stored one means a refresh got its answer but did not store its pair (this process was
     * killed, its store write failed, or another instance died or lost its lease). The stored token may already be
     * dead, so the kept pair is stored instead, marker or not. With no tokens stored at all, the kept answer's pair is
     * stored as an authorization's, or stays kept ({@link UnusableKeptAnswer}) when it cannot be used. Returns the
     * stored state, or null when there is nothing to finish (no kept answer; one with the stored refresh token is stale
     * and dropped). An unreadable kept answer throws: it may hold the only live refresh token.
     */
    public TokenState finishFromKeptAnswer(TokenState current) {
        TokenState next = finishQuietly(current);
        if (next != null) {
            if (current.hasTokens()) {
                LOG.warn("Finished the token refresh interrupted at {} from the answer kept in {}: the rotated refresh "
                        + "token is safe.", startedAt(current), store.describe());
            } else {
                LOG.warn("Stored the tokens of the answer kept in {}, where no tokens were stored: the refresh token is "
                        + "safe.", store.describe());
            }
        }
        return next;
    }

    /**
     * At start, under the refresh lock (so no refresh of another process or node is running): finishes what the last
     * run left half done. A kept answer is stored ({@link #finishFromKeptAnswer}; with no pair stored yet, as the
     * authorization it came from); a crash marker left without any kept answer is a refresh that stopped before its
     * answer was kept, said once and then cleared. Returns what needs saying, for the start-up log, or null when
     * nothing was left to finish or nothing was lost.
     */
    public String finishInterruptedRefresh() {
        return store.withRefreshLock(() -> {
            TokenState stored = store.read();
            boolean answerKept;
            try {
                answerKept = store.incoming().isPresent();
                if (finishQuietly(stored) != null) {
                    return stored.hasTokens() ? "finished the token refresh interrupted at " + startedAt(stored)
                            + " from the answer kept in " + store.describe() + "; the rotated refresh token is safe"
                            : "stored the tokens of the answer kept in " + store.describe() + ", where no tokens "
                            + "were stored (a token call stopped between the answer and storing it); the refresh token "
                            + "is safe";
                }
            } catch (UnusableKeptAnswer e) {
                return e.getMessage();
            } catch (RuntimeException e) {
                return "could not yet store the pair kept from the " + (stored.hasTokens() ? "refresh interrupted at "
                        + startedAt(stored) : "interrupted token call") + " (" + e.getMessage() + "); it stays kept "
                        + "and the next " + (stored.hasTokens() ? "refresh" : "start") + " tries again";
            }
            return stored.refreshStartedAt() == null ? null : clearStoppedRefresh(stored, answerKept);
        });
    }

    /**
     * The last run stopped inside a refresh and left no answer to finish from. If an answer was kept, it said the
     * refresh token is unchanged (dropped just now as holding the stored one): nothing was lost, nothing to say. If
     * none was, the process stopped before the answer was kept: most likely before the call was answered, but the
     * server may have rotated in the instant before the answer was kept. Only the next refresh can tell; the person
     * learns now what to do if it is refused. The marker is cleared either way, so this is said once.
     */
    private String clearStoppedRefresh(TokenState stored, boolean answerKept) {
        String outcome = answerKept ? "interrupted after its answer arrived; the refresh token came back unchanged"
                : "interrupted: the process stopped before the token endpoint's answer was kept";
        try {
            store.write(stored.refreshFailed(outcome, clock.instant()));
        } catch (RuntimeException e) {
            LOG.debug("Could not clear the crash marker in {} ({}); the next start does", store.describe(),
                    e.getMessage());
        }
        return answerKept ? null : "the token refresh started at " + stored.refreshStartedAt() + " stopped before "
                + "the token endpoint's answer was kept (the process was killed or lost power). The stored refresh "
                + "token is used again; if the server had already rotated it in that instant, the next refresh is "
                + "refused (invalid_grant) and `ccsync authorize` reconnects.";
    }

    /**
     * Step 7: a refresh failed. The outcome is stored for {@code ccsync token}; the crash marker stays while an answer
     * is kept (its pair is not stored yet), and nothing here deletes that answer.
     */
    void recordFailure(RuntimeException e) {
        storeOutcome(e);
        LOG.warn("Token refresh failed, the current tokens are kept: {}", e.getMessage());
    }

    private void storeOutcome(RuntimeException e) {
        try {
            TokenState stored = store.read();
            // what `ccsync token` and the status page show: the message, not a class name
            String outcome = "failed: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            boolean answerKept = keptRefreshToken(stored).isPresent();
            store.write(stored.refreshFailed(outcome, clock.instant(), answerKept));
        } catch (RuntimeException ignored) {
            // Recording the outcome is a courtesy; the refresh's own failure is what the caller must see.
        }
    }

    private TokenState finishQuietly(TokenState current) {
        Optional<String> kept = store.incoming();
        if (kept.isEmpty()) {
            return null;
        }
        if (!current.hasTokens()) {
            return firstPair(current, kept.get());
        }
        String refreshToken = TokenResponse.refreshTokenOf(kept.get());
        if (refreshToken == null || refreshToken.equals(current.refreshToken())) {
            store.clearIncoming(); // nothing newer than what is stored
            return null;
        }
        TokenState next;
        try {
            // Validated as of the refresh's own time: its access token may have expired since.
            Instant asOf = current.refreshStartedAt() != null ? current.refreshStartedAt() : clock.instant();
            next = current.refreshed(TokenResponse.read(200, "application/json", kept.get(),
                    TokenResponse.Grant.REFRESH_TOKEN, settings, asOf), clock.instant());
        } catch (TokenEndpointException e) {
            next = current.refreshTokenOnly(refreshToken, "failed: " + e.getMessage(), clock.instant());
        }
        store.write(next);
        forgetKeptAnswer();
        return next;
    }

    /**
     * An answer kept while no pair is stored: a token call stopped after the token endpoint answered and before its
     * pair was stored, and the tokens are gone (removed by hand since, or never stored). It is all there is, so its
     * pair is stored as an authorization's; one that cannot be used stays kept (never the one thrown away) until
     * {@code ccsync authorize} replaces it, and {@link UnusableKeptAnswer} says why.
     */
    private TokenState firstPair(TokenState empty, String kept) {
        TokenResponse response;
        try {
            response = TokenResponse.readKept(kept, TokenResponse.Grant.AUTHORIZATION_CODE, settings);
        } catch (TokenEndpointException e) {
            throw new UnusableKeptAnswer("no tokens are stored, and the token endpoint's answer kept in "
                    + store.describe() + " (a token call stopped before its tokens were stored) cannot be used: "
                    + e.getMessage() + " It stays kept until `ccsync authorize` (or `ccsync device-login`) stores "
                    + "new tokens.");
        }
        TokenState next = empty.authorized(response, clock.instant());
        store.write(next);
        forgetKeptAnswer();
        return next;
    }

    /** A kept answer no pair can be stored from: it stays kept; the message says why and what to run. */
    private static final class UnusableKeptAnswer extends IllegalStateException {
        UnusableKeptAnswer(String message) {
            super(message);
        }
    }

    /**
     * A 200 that cannot be used as a whole. Its refresh token (the server may have rotated) is stored with the
     * current access token before the error is thrown; without one, the stored refresh token stays the live one.
     */
    private TokenState storeRefreshTokenOnly(TokenState marked, String refreshToken, TokenEndpointException e) {
        if (refreshToken != null && !refreshToken.equals(marked.refreshToken())) {
            store.write(marked.refreshTokenOnly(refreshToken, "failed: " + e.getMessage(), clock.instant()));
            LOG.warn("The token endpoint's answer was refused ({}), but its new refresh token is stored: the next "
                    + "refresh uses it.", e.getMessage());
        }
        forgetKeptAnswer();
        throw e;
    }

    private TokenState invalidGrant(TokenState marked, TokenEndpointException e) {
        // Another instance may have rotated the token while ours was in flight: then its pair is good, not a loss.
        TokenState stored = store.read();
        if (stored.version() != marked.version() && stored.hasTokens() && stored.reauthorization() == null
                && !marked.refreshToken().equals(stored.refreshToken())) {
            return stored;
        }
        // An answer kept by an earlier attempt, or by an instance that lost its lease, may hold the live token.
        TokenState finished = finishFromKeptAnswer(stored);
        if (finished != null) {
            return finished;
        }
        store.write(stored.reauthorizationNeeded(e.getMessage(), clock.instant()));
        throw new ReauthorizationRequiredException(e.getMessage());
    }

    /** Whether the refresh lock is still this instance's; when even that cannot be checked, assume it is. */
    private boolean stillOurs() {
        try {
            return store.holdsRefreshLock();
        } catch (RuntimeException e) {
            return true; // the pair's own write is fenced all the same
        }
    }

    /**
     * After the pair from the kept answer is stored: the answer is stale now (its refresh token is the stored one), so
     * failing to delete it must not fail a refresh that succeeded; the next refresh or start drops it.
     */
    private void forgetKeptAnswer() {
        try {
            store.clearIncoming();
        } catch (RuntimeException e) {
            LOG.warn("The new token pair is stored, but the answer it came from could not be cleared from {} ({}); "
                    + "it holds the stored refresh token, so the next refresh drops it.", store.describe(),
                    e.getMessage());
        }
    }

    private static ReauthorizationRequiredException configurationRefused(TokenEndpointException e) {
        return ReauthorizationRequiredException.configurationRefused(e.getMessage() + " ccsync stops calling the token "
                + "endpoint until this is fixed: correct the setting and restart ccsync. The stored refresh token was "
                + "not spent and stays good.");
    }

    private Optional<String> keptRefreshToken(TokenState stored) {
        return store.incoming().map(TokenResponse::refreshTokenOf)
                .filter(token -> !token.equals(stored.refreshToken()));
    }

    private static Object startedAt(TokenState state) {
        return state.refreshStartedAt() != null ? state.refreshStartedAt() : "an unknown time";
    }

    static String basic(String clientId, String secret) {
        String pair = clientId + ":" + secret;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
