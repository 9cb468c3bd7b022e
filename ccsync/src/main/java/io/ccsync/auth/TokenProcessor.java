package io.ccsync.auth;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Placed in front of every HTTP call to the API: sets {@code Authorization: Bearer …} from the token cache, which
 * refreshes first when the token is within its margin. The token used is kept on the exchange so that a 401 can
 * tell whether it is still the current one ({@link TokenRejectedProcessor}).
 */
public final class TokenProcessor implements Processor {
    /** Exchange property: the {@link AccessToken} sent with this exchange's API call. */
    public static final String TOKEN_USED = "ccsync.accessToken";

    private final TokenCache tokens;

    public TokenProcessor(TokenCache tokens) {
        this.tokens = tokens;
    }

    @Override
    public void process(Exchange exchange) {
        apply(exchange, tokens.accessToken());
    }

    static void apply(Exchange exchange, AccessToken token) {
        exchange.setProperty(TOKEN_USED, token);
        exchange.getMessage().setHeader("Authorization", "Bearer " + token.value());
    }
}
