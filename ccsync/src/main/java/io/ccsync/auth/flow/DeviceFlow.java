package io.ccsync.auth.flow;

import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.TokenEndpointException;
import io.ccsync.auth.TokenResponse;
import io.ccsync.auth.TokenStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code ccsync device-login}: the device flow (RFC 8628) for a machine without a browser. A person approves on any
 * other device; this side polls at the server's interval, slowing down by 5 seconds whenever told to.
 */
public final class DeviceFlow {
    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    /** Waits between polls; tests pass one that moves a clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final OAuthSettings settings;
    private final TokenStore store;
    private final Clock clock;
    private final Sleeper sleeper;
    private final PrintWriter out;

    private final org.apache.camel.CamelContext camel;

    public DeviceFlow(OAuthSettings settings, TokenStore store, Clock clock, Sleeper sleeper, PrintWriter out) {
        this(settings, store, clock, sleeper, out, null);
    }

    /** @param camel ccsync's Camel context: its http component, as {@code camel.component.http.*} configures it */
    public DeviceFlow(OAuthSettings settings, TokenStore store, Clock clock, Sleeper sleeper, PrintWriter out,
            org.apache.camel.CamelContext camel) {
        this.camel = camel;
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.sleeper = sleeper;
        this.out = out;
    }

    public Connected run() {
        try {
            settings.requireUsable();
        } catch (IllegalStateException e) {
            throw new AuthorizationException(e.getMessage());
        }
        TokenEndpoint endpoint = new TokenEndpoint(settings, clock, camel);
        DeviceAuthorization device = endpoint.startDevice();
        out.println("On any device with a browser, open");
        out.println();
        out.println("  " + device.verificationUri());
        out.println();
        out.println("and enter the code  " + device.userCode());
        if (device.verificationUriComplete() != null) {
            out.println("(or open " + device.verificationUriComplete() + " , which fills it in).");
        }
        out.println("Sign in to Constant Contact and choose Allow. Waiting up to "
                + Durations.words(device.expiresIn()) + " (Ctrl+C to stop).");
        out.flush();
        return Connected.save(store, poll(endpoint, device), clock.instant());
    }

    private TokenResponse poll(TokenEndpoint endpoint, DeviceAuthorization device) {
        Duration interval = device.interval();
        Duration waited = Duration.ZERO;
        while (true) {
            if (waited.compareTo(device.expiresIn()) > 0) {
                throw expired(); // the server should have said so; do not poll forever if it does not
            }
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuthorizationException("interrupted while waiting for the device to be approved");
            }
            waited = waited.plus(interval);
            try {
                return endpoint.pollDevice(device.deviceCode());
            } catch (TokenEndpointException e) {
                String error = e.oauthError() == null ? "" : e.oauthError();
                switch (error) {
                    case "authorization_pending" -> { }
                    case "slow_down" -> {
                        interval = interval.plus(SLOW_DOWN_STEP);
                        out.println("The server asked ccsync to poll more slowly: now every "
                                + Durations.words(interval) + ".");
                        out.flush();
                    }
                    case "expired_token" -> throw expired();
                    case "access_denied" -> throw new AuthorizationException("access was denied on the device "
                            + "approval page (access_denied), so no tokens were stored. Run `ccsync device-login` "
                            + "again and choose Allow.");
                    default -> {
                        if (!e.retryable()) {
                            throw e;
                        }
                        // 429, 5xx, network: try again at the next interval, a little slower
                        if (e.kind() == TokenEndpointException.Kind.RATE_LIMITED) {
                            interval = interval.plus(SLOW_DOWN_STEP);
                        }
                    }
                }
            }
        }
    }

    private static AuthorizationException expired() {
        return new AuthorizationException("the code expired before anyone approved it (expired_token), so no tokens "
                + "were stored. Run `ccsync device-login` again and approve within the time shown.");
    }
}
