package io.ccsync.auth;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.service.ServiceHelper;

/**
 * A route policy for the routes that feed the API ({@code routePolicy: reauthorizationGate} in their YAML): their
 * consumers stop taking new work while the tokens are unusable (never authorized, or the refresh token was refused),
 * and start again when {@code ccsync authorize} has stored new ones. Nothing retries a dead refresh token in a loop.
 */
public final class ReauthorizationGate extends RoutePolicySupport {
    private static final Duration START_WAIT = Duration.ofSeconds(60);

    private final TokenCache tokens;
    /** The consumers this gate stopped: the only ones it starts again (a route switched off stays off). */
    private final Set<Consumer> paused = ConcurrentHashMap.newKeySet();

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
            // Camel calls this before it starts the consumer; a consumer stopped now would be started anyway (and
            // a file consumer fails so). Close the gate once the consumer is up.
            Thread closer = new Thread(() -> closeWhenStarted(route.getConsumer()), "gate-" + route.getRouteId());
            closer.setDaemon(true);
            closer.start();
        }
    }

    private void closeWhenStarted(Consumer consumer) {
        StartedConsumers.awaitRunning(consumer, START_WAIT);
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        if (!tokens.usable()) {
            open(consumer, false);
        }
    }

    private void open(Consumer consumer, boolean open) {
        try {
            if (open) {
                if (paused.remove(consumer)) {
                    startConsumer(consumer);
                }
            } else if (ServiceHelper.isStarted(consumer)) {
                stopConsumer(consumer);
                paused.add(consumer);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot " + (open ? "resume" : "pause") + " " + consumer, e);
        }
    }
}
