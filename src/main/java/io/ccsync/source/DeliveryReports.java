package io.ccsync.source;

import io.ccsync.delivery.DeliveryReport;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/** Adds up the reports of a file's chunks as the split delivers them, so one report covers the whole file. */
public final class DeliveryReports implements AggregationStrategy {
    @Override
    public Exchange aggregate(Exchange total, Exchange chunk) {
        if (total == null) {
            return chunk;
        }
        DeliveryReport sum = total.getMessage().getBody(DeliveryReport.class);
        DeliveryReport next = chunk.getMessage().getBody(DeliveryReport.class);
        if (sum != null && next != null) {
            sum.merge(next);
        }
        return total;
    }
}
