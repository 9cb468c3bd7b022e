package io.ccsync.source;

import io.ccsync.contract.SourceRecord;

import io.ccsync.contract.DeliveryReport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for delivery at {@code direct:contacts} (bean {@code standInDelivery}): every record counts as created.
 * It keeps what arrived (unless told to only count, for large files) and can be told to fail the next calls.
 */
public final class StandInDelivery {
    /** The stand-in route, in YAML as a test would add it. */
    public static final String ROUTE = """
            - route:
                id: delivery-stand-in
                from:
                  uri: direct:contacts
                  steps:
                    - bean:
                        ref: standInDelivery
                        method: deliver
            """;

    public final List<SourceRecord> received = new CopyOnWriteArrayList<>();
    public final List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
    public final AtomicLong count = new AtomicLong();
    public final AtomicInteger failNext = new AtomicInteger();
    /** When set, every record is rejected with this reason (as the mapping's rules would, quoting a value). */
    public volatile String rejectAll;
    private final boolean keep;

    public StandInDelivery(boolean keep) {
        this.keep = keep;
    }

    public DeliveryReport deliver(List<SourceRecord> chunk) {
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("delivery stand-in told to fail");
        }
        chunkSizes.add(chunk.size());
        if (keep) {
            received.addAll(chunk);
        }
        count.addAndGet(chunk.size());
        DeliveryReport report = new DeliveryReport();
        if (rejectAll != null) {
            chunk.forEach(r -> report.reject(new DeliveryReport.Problem(r.origin(), null, null, rejectAll)));
            return report;
        }
        report.addCreated(chunk.size());
        return report;
    }

    /** The records from one source, in arrival order. */
    public List<SourceRecord> from(String source) {
        return received.stream().filter(r -> r.source().equals(source)).toList();
    }
}
