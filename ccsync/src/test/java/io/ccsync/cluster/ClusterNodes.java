package io.ccsync.cluster;

import io.ccsync.contract.SourceRecord;

import io.ccsync.testing.RunningCcsync;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * ccsync nodes for cluster tests: each its own CamelContext in this JVM, started as `ccsync run` starts it (shipped
 * config and routes), in cluster mode on one shared PostgreSQL database.
 */
final class ClusterNodes {
    private ClusterNodes() {
    }

    /** Cluster mode on {@code dbUrl}, a quick check-in so failover shows within seconds; everything else off. */
    static Map<String, String> settings(String dbUrl, Path dir) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ccsync.cluster.enabled", "true");
        s.put("ccsync.cluster.checkin-interval", "1000");
        s.put("ccsync.db.url", dbUrl);
        s.put("ccsync.db.user", "postgres");
        s.put("ccsync.db.password", "");
        s.put("ccsync.crm.url", dbUrl);
        s.put("ccsync.crm.user", "postgres");
        s.put("ccsync.crm.password", "");
        s.put("ccsync.crm.enabled", "false");
        s.put("ccsync.optouts.enabled", "false"); // tests that want the opt-out poll turn it on
        s.put("ccsync.inbox.enabled", "false");
        s.put("ccsync.inbox.dir", dir.resolve("inbox").toString());
        s.put("ccsync.token.file", dir.resolve("tokens.json").toString());
        s.put("ccsync.delivery.check-names-at-start", "false");
        // Several nodes in one JVM: JMX would rename the second CamelContext "ccsync-1", and Quartz's job data names
        // the context a job runs in by that name; one node per JVM (production) has no clash.
        s.put("camel.main.jmxEnabled", "false");
        return s;
    }

    /**
     * A node named {@code node}: its executions of the watched routes go to {@code executions}, and when
     * {@code delivery} is given (a bean with {@code deliver(List<SourceRecord>)}) it replaces the delivery routes at direct:contacts and the sources are open without an
     * authorization (no Constant Contact in those tests). Routes named in {@code startAfter} (switched off in the
     * settings) are started once the stand-in is in place, so their first exchange meets it.
     */
    static RunningCcsync start(String node, Map<String, String> settings, Executions executions,
            Object delivery, String... startAfter) {
        Map<String, Object> beans = new LinkedHashMap<>();
        if (executions != null) {
            beans.put("executions-" + node, executions.on(node));
        }
        if (delivery != null) {
            beans.put("recordingDelivery", delivery);
            beans.put("reauthorizationGate", new RoutePolicySupport() {
            });
            beans.put("gatedPolls", new io.ccsync.mapping.GatedPolls(() -> true));
        }
        RunningCcsync ccsync = RunningCcsync.start(settings, beans);
        if (delivery != null) {
            for (Route route : List.copyOf(ccsync.context().getRoutes())) {
                if (route.getEndpoint().getEndpointUri().equals("direct://contacts")) {
                    try {
                        ccsync.context().getRouteController().stopRoute(route.getRouteId());
                        ccsync.context().removeRoute(route.getRouteId());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            ccsync.withYamlRoutes("delivery-stand-in", RecordingDelivery.ROUTE);
        }
        for (String route : startAfter) {
            try {
                ccsync.context().getRouteController().startRoute(route);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return ccsync;
    }
}
