package io.ccsync.source;

import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.Progress;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Adds up the reports of a file's chunks as the split delivers them, so one report covers the whole file, and
 * advances the file's {@link Progress} ({@link InboxFiles#PROGRESS}) by each delivered chunk.
 */
public final class DeliveryReports implements AggregationStrategy {
    @Override
    public Exchange aggregate(Exchange total, Exchange chunk) {
        DeliveryReport next = chunk.getMessage().getBody(DeliveryReport.class);
        Progress progress = chunk.getProperty(InboxFiles.PROGRESS, Progress.class);
        if (progress != null && next != null) {
            progress.advance(next.total());
        }
        if (total == null) {
            return chunk;
        }
        DeliveryReport sum = total.getMessage().getBody(DeliveryReport.class);
        if (sum != null && next != null) {
            sum.merge(next);
        }
        return total;
    }
}
