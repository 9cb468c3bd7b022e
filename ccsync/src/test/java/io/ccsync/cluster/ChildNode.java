package io.ccsync.cluster;

import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.SourceRecord;
import io.ccsync.testing.RunningCcsync;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster node in a JVM of its own, for a test to kill with SIGKILL: ccsync with the settings given as
 * {@code key=value} arguments, its CRM poll started, and a delivery that announces the records it got
 * ({@code DELIVERING a@example.com,…}) and then never returns, so the node dies in the middle of a poll.
 */
public final class ChildNode {
    private ChildNode() {
    }

    /** Stands in for delivery: says what it got, then hangs until the process is killed. */
    public static final class HangingDelivery {
        public DeliveryReport deliver(List<SourceRecord> chunk) throws InterruptedException {
            System.out.println("DELIVERING " + String.join(",", chunk.stream()
                    .map(r -> r.fields().get("email")).toList()));
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            return new DeliveryReport();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        RunningCcsync ccsync = ClusterNodes.start("child", settings, null, new HangingDelivery(), "crm-poll");
        System.out.println("READY " + ccsync.context().getName());
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
