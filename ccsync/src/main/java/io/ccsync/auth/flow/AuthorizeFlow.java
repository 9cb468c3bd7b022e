package io.ccsync.auth.flow;

import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.TokenStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code ccsync authorize}: the authorization code flow with PKCE and {@code state}, from URL to stored tokens.
 * Everything that can be checked before the person is sent to the browser is checked first.
 */
public final class AuthorizeFlow {
    private final OAuthSettings settings;
    private final TokenStore store;
    private final Clock clock;
    private final Browser browser;
    private final PrintWriter out;

    private final org.apache.camel.CamelContext camel;

    public AuthorizeFlow(OAuthSettings settings, TokenStore store, Clock clock, Browser browser, PrintWriter out) {
        this(settings, store, clock, browser, out, null);
    }

    /** @param camel ccsync's Camel context: its http component, as {@code camel.component.http.*} configures it */
    public AuthorizeFlow(OAuthSettings settings, TokenStore store, Clock clock, Browser browser, PrintWriter out,
            org.apache.camel.CamelContext camel) {
        this.camel = camel;
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.browser = browser;
        this.out = out;
    }

    public Connected run(Duration timeout) {
        try {
            settings.requireUsable();
        } catch (IllegalStateException e) {
            throw new AuthorizationException(e.getMessage());
        }
        AuthorizationRequest request = AuthorizationRequest.create(settings);
        TokenEndpoint endpoint = new TokenEndpoint(settings, clock, camel);
        try (LoopbackReceiver receiver = new LoopbackReceiver(request.redirect(), request.state(),
                code -> Connected.save(store, endpoint.exchangeCode(code, request), clock.instant()), out)) {
            new AuthorizePageCheck(camel).check(request);
            boolean opened = browser.open(request.uri());
            out.println(opened ? "Your browser should open Constant Contact's consent page. If it does not, open "
                    + "this URL:" : "Open this URL in a browser, sign in to Constant Contact and choose Allow:");
            out.println();
            out.println("  " + request.uri());
            out.println();
            out.println("Waiting up to " + Durations.words(timeout) + " for the answer at " + request.redirect()
                    + " (Ctrl+C to stop).");
            out.flush();
            return receiver.await(timeout);
        }
    }
}
