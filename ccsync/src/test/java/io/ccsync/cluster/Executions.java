package io.ccsync.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Every finished exchange of the watched routes on every node of a test: which node, which route, from when to when
 * (System.currentTimeMillis), and the Quartz firing it served. One instance for all nodes; each node gets a
 * {@link #on(String) notifier} of its own.
 */
final class Executions {
    record Execution(String node, String route, long start, long end, Object scheduledFireTime) {
    }

    private final List<String> routes;
    private final List<Execution> all = new CopyOnWriteArrayList<>();

    Executions(String... routes) {
        this.routes = List.of(routes);
    }

    /** The event notifier for {@code node} (bound as a bean, camel-main adds it). */
    EventNotifierSupport on(String node) {
        return new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeCompletedEvent
                        || event instanceof CamelEvent.ExchangeFailedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
                String route = exchange.getFromRouteId();
                if (route != null && routes.contains(route)) {
                    all.add(new Execution(node, route, exchange.getClock().getCreated(), System.currentTimeMillis(),
                            exchange.getMessage().getHeader("scheduledFireTime")));
                }
            }
        };
    }

    /** The route's executions on every node, by start. */
    List<Execution> of(String route) {
        List<Execution> list = new ArrayList<>(all.stream().filter(e -> e.route().equals(route)).toList());
        list.sort(Comparator.comparingLong(Execution::start));
        return list;
    }

    List<Execution> of(String route, String node) {
        return of(route).stream().filter(e -> e.node().equals(node)).toList();
    }
}
