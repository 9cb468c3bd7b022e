package io.ccsync.delivery;

import io.ccsync.ops.Progress;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * Decides, per chunk, which contacts go by bulk import and which one by one. One by one: everything in single mode,
 * a file or poll (or a call without a source's outbox) with too few contacts to be worth an import, sign-ups of a sign-up source, and contacts an import cannot carry
 * whole (opted out: an import never unsubscribes; more than one phone or address). Bulk contacts go to the source's
 * {@link Outbox} when it opened one, so a file or poll is packed into as few imports as the limits allow; a call
 * without one (a replay, a test) gets its own, emptied before the call returns.
 */
public final class DeliveryPlan {
    /** Exchange property: the report the source had before {@code direct:contacts-flush}, merged with its own. */
    private static final String CARRIED = "CcsyncCarriedReport";
    /** The source's progress (io.ccsync.source.InboxFiles.PROGRESS), advanced by the flushed records. */
    private static final String PROGRESS = "CcsyncProgress";

    private final DeliverySettings settings;
    private final BulkBatcher batcher;

    public DeliveryPlan(DeliverySettings settings, BulkBatcher batcher) {
        this.settings = settings;
        this.batcher = batcher;
    }

    /** A source opens its unit of work (a file, a poll) before its first chunk: exchange property {@value Outbox#PROPERTY}. */
    public void open(Exchange exchange) {
        exchange.setProperty(Outbox.PROPERTY, new Outbox(batcher, settings.maxQueued(), settings.singleBelow()));
    }

    public Chunk plan(Chunk chunk, Exchange exchange) {
        Outbox outbox = exchange.getProperty(Outbox.PROPERTY, Outbox.class);
        List<Item> pending = chunk.pending();
        // with the source's outbox, too few records for an import is decided for the whole file or poll (at its flush)
        boolean allSingle = settings.mode() == DeliverySettings.Mode.SINGLE
                || (outbox == null && pending.size() < settings.singleBelow());
        List<Item> bulk = new ArrayList<>();
        List<Item> singles = new ArrayList<>();
        for (Item item : pending) {
            boolean single = allSingle || item.signUpForm() || !item.contact().fitsBulkImport();
            (single ? singles : bulk).add(item);
        }
        chunk.plan(outbox != null ? outbox : new Outbox(batcher, settings.maxQueued(), 1), outbox == null, bulk,
                singles);
        return chunk;
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
