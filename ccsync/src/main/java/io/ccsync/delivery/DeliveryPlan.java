package io.ccsync.delivery;

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
    private final DeliverySettings settings;
    private final BulkBatcher batcher;

    public DeliveryPlan(DeliverySettings settings, BulkBatcher batcher) {
        this.settings = settings;
        this.batcher = batcher;
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
}
