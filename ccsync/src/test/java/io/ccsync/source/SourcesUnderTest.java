package io.ccsync.source;

import io.ccsync.testing.RunningCcsync;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * ccsync with the real config and routes, its folders and databases under one test's directory, the sources open
 * without an authorization, and {@link StandInDelivery} in place of the delivery routes' {@code direct:contacts}.
 */
final class SourcesUnderTest {
    private SourcesUnderTest() {
    }

    /** Settings for a test in {@code dir}: a quick inbox, no CRM poll unless a test turns it on. */
    static Map<String, String> settings(Path dir) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ccsync.inbox.enabled", "true");
        s.put("ccsync.inbox.dir", dir.resolve("inbox").toString());
        s.put("ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync"));
        s.put("ccsync.crm.url", "jdbc:h2:file:" + dir.resolve("crm"));
        s.put("ccsync.token.file", dir.resolve("tokens.json").toString());
        s.put("ccsync.inbox.poll-delay", "100");
        s.put("ccsync.inbox.min-age", "200");
        s.put("ccsync.crm.enabled", "false");
        s.put("ccsync.crm.poll-delay", "300");
        s.put("ccsync.delivery.check-names-at-start", "false"); // no Constant Contact in these tests
        return s;
    }

    static RunningCcsync start(Map<String, String> settings, StandInDelivery delivery) {
        // a poll that fired before the stand-in took over would reach the real delivery routes (and fail there)
        CountDownLatch standInReady = new CountDownLatch(1);
        Map<String, Object> beans = Map.of(
                "standInDelivery", delivery,
                "gatedPolls", new io.ccsync.mapping.GatedPolls(() -> true), // the gates' own question, likewise
                // no Constant Contact here: the gate would keep the sources closed; this one holds each source's
                // first exchanges until the stand-in is in place
                "reauthorizationGate", new RoutePolicySupport() {
                    @Override
                    public void onExchangeBegin(Route route, Exchange exchange) {
                        try {
                            standInReady.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        RunningCcsync ccsync = RunningCcsync.start(settings, beans);
        for (Route route : java.util.List.copyOf(ccsync.context().getRoutes())) {
            if (route.getEndpoint().getEndpointUri().equals("direct://contacts")) {
                try { // the real delivery route, once it exists
                    ccsync.context().getRouteController().stopRoute(route.getRouteId());
                    ccsync.context().removeRoute(route.getRouteId());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        RunningCcsync started = ccsync.withYamlRoutes("delivery-stand-in", StandInDelivery.ROUTE);
        standInReady.countDown();
        return started;
    }
}
