package io.ccsync.ops;

import io.ccsync.contract.DeliveryReport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The last runs of each source (a file taken by an inbox route, a CRM poll), for the status page: when, which file,
 * how it ended and its records by outcome. Watches from outside like {@link ApiCalls}, so the source routes stay as
 * they are: a source is a route made from a route template that takes files or polls the CRM (the {@code file-inbox}
 * and {@code crm-poll} templates; a second inbox added in YAML is one too). A file's counts are the report its route ends with; a poll's are the reports of the chunks it sent
 * to {@code direct:contacts}, added up. Kept in memory: the last {@value #KEPT} runs per source since start.
 */
public final class SourceRuns extends EventNotifierSupport {
    static final int KEPT = 10;
    static final String NO_NEW_ROWS = "no new rows";
    /** Exchange property: the id of the exchange the source's consumer made (its copies carry it along). */
    private static final String RUN = "CcsyncSourceRun";
    /** Exchange property: the chunk reports a poll has had so far. */
    private static final String POLLED = "CcsyncPolledReport";

    /**
     * One finished run. {@code report} is null when the run failed before any chunk came back ({@code error} says
     * why); {@code file} is null for a poll.
     */
    public record Run(String source, Instant startedAt, Instant endedAt, String file, String outcome,
            DeliveryReport report, String error) {
    }

    private final Clock clock;
    private final Map<String, Deque<Run>> runs = new ConcurrentHashMap<>();

    public SourceRuns(Clock clock) {
        this.clock = clock;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /**
     * Whether {@code route} is a source: made from a template (a route keeps no template id, so the consumer tells)
     * and taking files, or on the CRM poll's Quartz group {@code crm-poll}.
     */
    public static boolean isSource(Route route) {
        return route != null && route.isCreatedByRouteTemplate()
                && (route.getEndpoint() instanceof org.apache.camel.component.file.FileEndpoint
                        || route.getEndpoint().getEndpointUri().startsWith("quartz://crm-poll/"));
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCreatedEvent || event instanceof CamelEvent.ExchangeCompletedEvent
                || event instanceof CamelEvent.ExchangeFailedEvent || event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        Route route = exchange.getContext().getRoute(exchange.getFromRouteId());
        if (!isSource(route)) {
            return;
        }
        if (event instanceof CamelEvent.ExchangeCreatedEvent) {
            exchange.setProperty(RUN, exchange.getExchangeId());
            return;
        }
        if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            // a poll's chunk came back from delivery (the inbox's split sends copies: its route ends with the total)
            if (sent.getEndpoint().getEndpointUri().startsWith("direct://contacts")
                    && exchange.getMessage().getBody() instanceof DeliveryReport chunk) {
                DeliveryReport sum = exchange.getProperty(POLLED, DeliveryReport.class);
                if (sum == null) {
                    sum = new DeliveryReport();
                    exchange.setProperty(POLLED, sum);
                }
                sum.merge(chunk);
            }
            return;
        }
        if (!isRouteEnd(exchange, route)) {
            return;
        }
        DeliveryReport report = exchange.getMessage().getBody() instanceof DeliveryReport r ? r
                : exchange.getProperty(POLLED, DeliveryReport.class);
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (file == null && route.getEndpoint() instanceof org.apache.camel.component.file.FileEndpoint) {
            return; // not a file the inbox took (a copy the split made along the way)
        }
        Throwable failure = exchange.getException();
        String outcome = failure != null ? "failed, the file stays in the inbox and is tried again"
                : exchange.getMessage().getHeader("CcsyncOutcome", String.class);
        if (failure != null && file == null) {
            outcome = "failed, the watermark did not move: the next poll sends these rows again";
        }
        if (outcome == null) {
            // a poll ends with its outbox's report, an empty one when it found nothing to send
            outcome = report == null || (file == null && report.total() == 0) ? NO_NEW_ROWS : "done";
        }
        add(new Run(route.getRouteId(), Instant.ofEpochMilli(exchange.getClock().getCreated()), clock.instant(), file,
                outcome, report == null && failure == null ? new DeliveryReport() : report,
                failure == null ? null : failure.getMessage()));
    }

    /** Only the exchange the consumer created counts, not the split's copies of it. */
    private static boolean isRouteEnd(Exchange exchange, Route route) {
        return exchange.getExchangeId().equals(exchange.getProperty(RUN, String.class));
    }

    void add(Run run) {
        Deque<Run> kept = runs.computeIfAbsent(run.source(), k -> new ArrayDeque<>());
        synchronized (kept) {
            // an idle poll every few seconds would push the runs that did something off the page: keep its latest
            if (NO_NEW_ROWS.equals(run.outcome()) && !kept.isEmpty() && NO_NEW_ROWS.equals(kept.peekFirst().outcome())) {
                kept.removeFirst();
            }
            kept.addFirst(run);
            while (kept.size() > KEPT) {
                kept.removeLast();
            }
        }
    }

    /** The runs of {@code source} kept so far, newest first. */
    public List<Run> of(String source) {
        Deque<Run> kept = runs.get(source);
        if (kept == null) {
            return List.of();
        }
        synchronized (kept) {
            return new ArrayList<>(kept);
        }
    }
}
