package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.Progress;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * A source's unit of work (a file, a poll) around its chunks ({@code outboxes} in the routes): {@link #open} before
 * the first chunk gives it an {@link Outbox}, so its records are packed into as few imports as the limits allow;
 * {@code direct:contacts-flush} at its end ({@link #flush}, then {@link #carry}) posts what waits and follows every
 * import to its end.
 */
public final class Outboxes {
    /** Exchange property: the report the source had before {@code direct:contacts-flush}, merged with its own. */
    private static final String CARRIED = "CcsyncCarriedReport";
    /** The source's progress (io.ccsync.source.InboxFiles.PROGRESS), advanced by the flushed records. */
    private static final String PROGRESS = "CcsyncProgress";

    private final DeliverySettings settings;
    private final BulkBatcher batcher;

    public Outboxes(DeliverySettings settings, BulkBatcher batcher) {
        this.settings = settings;
        this.batcher = batcher;
    }

    /** Before a source's first chunk: exchange property {@value Outbox#PROPERTY}. */
    public void open(Exchange exchange) {
        exchange.setProperty(Outbox.PROPERTY, new Outbox(batcher, settings.maxQueued(), settings.singleBelow()));
    }

    /**
     * {@code direct:contacts-flush}: the source's unit is complete; the body becomes an empty last call on its outbox
     * (what waits is posted, and everything is followed to its end). A report in the body is kept for {@link #carry}.
     */
    public Chunk flush(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof DeliveryReport carried) {
            exchange.setProperty(CARRIED, carried);
        }
        Outbox outbox = exchange.getProperty(Outbox.PROPERTY, Outbox.class);
        Chunk chunk = new Chunk(List.of());
        chunk.plan(outbox != null ? outbox : new Outbox(batcher, settings.maxQueued(), 1), true, List.of(), List.of());
        return chunk;
    }

    /** Adds the report in the body (a chunk's, or the flush's) to the unit's; the body passes through. */
    public void tally(Exchange exchange) {
        Outbox outbox = exchange.getProperty(Outbox.PROPERTY, Outbox.class);
        if (outbox != null && exchange.getMessage().getBody() instanceof DeliveryReport report) {
            outbox.tally(report);
        }
    }

    /** After the flush: its report merged into the one the source had (the file's), which moves its progress on. */
    public DeliveryReport carry(DeliveryReport flushed, Exchange exchange) {
        DeliveryReport carried = exchange.getProperty(CARRIED, DeliveryReport.class);
        exchange.removeProperty(CARRIED);
        if (carried == null) {
            return flushed;
        }
        Progress progress = exchange.getProperty(PROGRESS, Progress.class);
        if (progress != null) {
            progress.advance(flushed.total());
        }
        return carried.merge(flushed);
    }
}
