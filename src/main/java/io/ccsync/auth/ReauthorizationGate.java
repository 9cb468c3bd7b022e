package io.ccsync.auth;

import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * A route policy for the routes that feed the API ({@code routePolicy: reauthorizationGate} in their YAML): their
 * consumers stop taking new work while the tokens are unusable (never authorized, or the refresh token was refused),
 * and start again when {@code ccsync authorize} has stored new ones. Nothing retries a dead refresh token in a loop.
 */
public final class ReauthorizationGate extends RoutePolicySupport {
    private final TokenCache tokens;

    public ReauthorizationGate(TokenCache tokens) {
        this.tokens = tokens;
    }

    @Override
    public void onInit(Route route) {
        tokens.onAuthorizationChange(usable -> open(route.getConsumer(), usable));
    }

    @Override
    public void onStart(Route route) {
        if (!tokens.usable()) {
            open(route.getConsumer(), false);
        }
    }

    private void open(Consumer consumer, boolean open) {
        try {
            if (open) {
                startConsumer(consumer);
            } else {
                stopConsumer(consumer);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot " + (open ? "resume" : "pause") + " " + consumer, e);
        }
    }
}
