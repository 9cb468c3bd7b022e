package io.ccsync.auth;

import io.ccsync.auth.TokenEndpointException.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;

/**
 * The Java steps of the token route ({@code routes/token.camel.yaml}): the route shows the flow (mark, call, store),
 * this class does the parts that need care. Every store write of a refresh happens here, so the order is plain to
 * see: crash marker first, the new pair stored before anyone is given its access token.
 */
public final class TokenRefreshSteps {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenRefreshSteps.class);
    /** Exchange property holding the state as it was stored with the crash marker. */
    public static final String MARKED_STATE = "ccsync.tokenState";

    private final TokenStore store;
    private final OAuthSettings settings;
    private final Clock clock;
    private final int retryAttempts;

    public TokenRefreshSteps(TokenStore store, OAuthSettings settings, Clock clock, int retryAttempts) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.retryAttempts = retryAttempts;
    }

    /**
     * The token route's retry rule: a failure that may pass (429, 5xx, network) is tried again, up to the configured
     * number of retries; anything else ends the refresh at once.
     */
    public boolean retryable(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean passing = failure instanceof java.io.IOException
                || failure instanceof TokenEndpointException t && t.retryable();
        // Camel has already counted the retry this answer would start: 1 on the first failure.
        int retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return passing && retry <= retryAttempts;
    }

    /**
     * Step 1: the crash marker, on disk before the refresh token leaves the process. Body: the current state. A kept
     * answer still lying in the store belongs to an earlier refresh that was finished or found unusable
     * ({@link #finishFromKeptAnswer} ran just before): it is dropped, so that it cannot pass for this refresh's.
     */
    public void markStarting(Exchange exchange) {
        TokenState current = exchange.getMessage().getBody(TokenState.class);
        TokenState marked = current.refreshStarting(clock.instant());
        store.clearIncoming();
        store.write(marked);
        exchange.setProperty(MARKED_STATE, marked);
    }

    /** Step 2 (repeated on each retry): the refresh grant as a form, with Basic client authentication. */
    public void request(Exchange exchange) {
        TokenState marked = exchange.getProperty(MARKED_STATE, TokenState.class);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", marked.refreshToken());
        var message = exchange.getMessage();
        // Nothing of a previous attempt's answer may travel as a request header; the retry count must stay.
        message.removeHeaders("*", Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERED, Exchange.REDELIVERY_MAX_COUNTER);
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
     * Step 3: reads the answer. A good pair is stored, then becomes the body. {@code invalid_grant} is terminal: the
     * verdict is stored once and {@link ReauthorizationRequiredException} ends the route without retries. 429, 5xx
     * throw a retryable {@link TokenEndpointException} for the route's retry policy.
     */
    public TokenState response(Exchange exchange) {
        var message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        TokenState marked = exchange.getProperty(MARKED_STATE, TokenState.class);
        if (status == 200) {
            store.keepIncoming(body); // first of all: from here on a killed process does not lose the rotated pair
            LOG.debug("Kept the token endpoint's answer in {}; storing its pair", store.describe());
        }
        try {
            TokenResponse response = TokenResponse.read(status, message.getHeader(Exchange.CONTENT_TYPE, String.class),
                    body, TokenResponse.Grant.REFRESH_TOKEN, settings, clock.instant());
            TokenState next = marked.refreshed(response, clock.instant());
            store.write(next);
            store.clearIncoming();
            message.removeHeaders("*");
            return next;
        } catch (TokenEndpointException e) {
            store.clearIncoming();
            if (e.kind() == Kind.INVALID_GRANT) {
                return invalidGrant(marked, e);
            }
            throw e;
        }
    }

    /**
     * At start: a refresh whose answer arrived but whose pair was not stored (the process was killed in between) is
     * finished from the kept answer, so the rotated refresh token is not lost. Returns what it did, or null.
     */
    public String finishInterruptedRefresh() {
        return store.withRefreshLock(() -> {
            TokenState stored = store.read();
            var kept = store.incoming();
            if (kept.isEmpty()) {
                return null;
            }
            try {
                if (stored.refreshStartedAt() == null) {
                    return null; // the pair was stored before the crash; the kept copy is stale
                }
                // Validated as of the refresh's own time: the process may have been down past the token's exp.
                TokenResponse response = TokenResponse.read(200, "application/json", kept.get(),
                        TokenResponse.Grant.REFRESH_TOKEN, settings, stored.refreshStartedAt());
                store.write(stored.refreshed(response, clock.instant()));
                return "finished the token refresh interrupted at " + stored.refreshStartedAt()
                        + " from the answer kept in " + store.describe() + "; the rotated refresh token is safe";
            } catch (RuntimeException e) {
                return "could not use the token answer kept from the refresh interrupted at "
                        + stored.refreshStartedAt() + " (" + e.getMessage() + ")";
            } finally {
                store.clearIncoming();
            }
        });
    }

    /**
     * Inside the refresh lock, before the stored refresh token is spent: when {@code current} carries the crash marker
     * and the store kept the answer of that refresh, the refresh was interrupted after the server had rotated the
     * token (this process was killed, or another instance sharing the database died or lost its lease). Spending the
     * stored token again would earn invalid_grant; the kept answer holds the new pair, so it is stored instead.
     * Returns the stored state, or null when there is nothing to finish.
     */
    public TokenState finishFromKeptAnswer(TokenState current) {
        if (current.refreshStartedAt() == null) {
            return null;
        }
        var kept = store.incoming();
        if (kept.isEmpty()) {
            return null;
        }
        TokenResponse response;
        try {
            // Validated as of the refresh's own time: its access token may have expired since.
            response = TokenResponse.read(200, "application/json", kept.get(), TokenResponse.Grant.REFRESH_TOKEN,
                    settings, current.refreshStartedAt());
        } catch (RuntimeException e) {
            LOG.warn("Could not use the token answer kept from the refresh interrupted at {} ({}); refreshing anew.",
                    current.refreshStartedAt(), e.getMessage());
            store.clearIncoming();
            return null;
        }
        TokenState next = current.refreshed(response, clock.instant());
        store.write(next);
        store.clearIncoming();
        LOG.warn("Finished the token refresh interrupted at {} from the answer kept in {}: the rotated refresh token "
                + "is safe.", current.refreshStartedAt(), store.describe());
        return next;
    }

    private TokenState invalidGrant(TokenState marked, TokenEndpointException e) {
        // Another instance may have rotated the token while ours was in flight: then its pair is good, not a loss.
        TokenState stored = store.read();
        if (stored.version() != marked.version() && stored.hasTokens() && stored.reauthorization() == null
                && !marked.refreshToken().equals(stored.refreshToken())) {
            return stored;
        }
        store.write(stored.reauthorizationNeeded(e.getMessage(), clock.instant()));
        throw new ReauthorizationRequiredException(e.getMessage());
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
