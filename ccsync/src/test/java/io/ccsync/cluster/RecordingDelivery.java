package io.ccsync.cluster;

import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.SourceRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for delivery at {@code direct:contacts} on one node (bean {@code recordingDelivery}): every record counts
 * as created and is noted with the node that delivered it in a list all nodes share. A delay per chunk makes a poll
 * take a while, as a real delivery does.
 */
final class RecordingDelivery {
    static final String ROUTE = """
            - route:
                id: delivery-stand-in
                from:
                  uri: direct:contacts
                  steps:
                    - bean:
                        ref: recordingDelivery
                        method: deliver
            """;

    record Delivered(String node, String email, String origin) {
    }

    private final String node;
    private final List<Delivered> sink;
    private final long delayMillis;

    RecordingDelivery(String node, List<Delivered> sink, long delayMillis) {
        this.node = node;
        this.sink = sink;
        this.delayMillis = delayMillis;
    }

    static List<Delivered> sink() {
        return new CopyOnWriteArrayList<>();
    }

    public DeliveryReport deliver(List<SourceRecord> chunk) throws InterruptedException {
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        for (SourceRecord r : chunk) {
            String email = r.fields().getOrDefault("email", r.fields().get("EMAIL"));
            sink.add(new Delivered(node, email, r.origin()));
        }
        DeliveryReport report = new DeliveryReport();
        report.addCreated(chunk.size());
        return report;
    }
}
