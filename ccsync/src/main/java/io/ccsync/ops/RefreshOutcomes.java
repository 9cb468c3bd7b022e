package io.ccsync.ops;

import io.ccsync.auth.ReauthorizationRequiredException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Counts every run of the token route ({@code token-refresh}) by how it ended: ok, invalid_grant (re-authorization
 * needed) or failed (network, 429, 5xx after the retries). Watches the route from outside, so the token code stays
 * as it is.
 */
final class RefreshOutcomes extends EventNotifierSupport {
    static final String ROUTE = "token-refresh";

    private final Metrics metrics;

    RefreshOutcomes(Metrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        if (!ROUTE.equals(exchange.getFromRouteId())) {
            return;
        }
        metrics.refresh(outcome(exchange.getException()));
    }

    static String outcome(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ReauthorizationRequiredException) {
                return "invalid_grant";
            }
        }
        return failure == null ? "ok" : "failed";
    }
}
