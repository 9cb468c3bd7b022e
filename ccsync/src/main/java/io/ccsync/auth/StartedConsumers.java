package io.ccsync.auth;

import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Consumer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Waiting until a gated route's consumer may be stopped. Camel calls a route policy's {@code onStart} before it starts
 * the consumer, and some consumers finish starting only when the whole context has (a timer schedules its task in
 * {@code onCamelContextStarted}): one stopped earlier is started anyway, or fails ("Timer already cancelled").
 */
public final class StartedConsumers {
    private StartedConsumers() {
    }

    /** Returns when the consumer and its CamelContext are both started, or false after {@code max} or an interrupt. */
    public static boolean awaitRunning(Consumer consumer, Duration max) {
        Instant deadline = Instant.now().plus(max);
        while (!(ServiceHelper.isStarted(consumer) && consumer.getEndpoint().getCamelContext().isStarted())) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
