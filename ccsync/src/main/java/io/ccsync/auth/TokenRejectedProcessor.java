package io.ccsync.auth;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs before the one retry of an API call answered 401: refreshes only when the rejected token is still the current
 * one (otherwise another call already did), then sets the new token on the retried request.
 */
public final class TokenRejectedProcessor implements Processor {
    private final TokenCache tokens;

    public TokenRejectedProcessor(TokenCache tokens) {
        this.tokens = tokens;
    }

    @Override
    public void process(Exchange exchange) {
        AccessToken used = exchange.getProperty(TokenProcessor.TOKEN_USED, AccessToken.class);
        AccessToken next = used == null ? tokens.accessToken() : tokens.rejected(used);
        TokenProcessor.apply(exchange, next);
    }
}
