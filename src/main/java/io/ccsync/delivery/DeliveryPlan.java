package io.ccsync.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides, per chunk, which contacts go by bulk import and which one by one. One by one: everything in single mode,
 * a chunk too small to be worth an import, sign-ups of a sign-up source, and contacts an import cannot carry
 * whole (opted out: an import never unsubscribes; more than one phone or address).
 */
public final class DeliveryPlan {
    private final DeliverySettings settings;
    private final BulkBatcher batcher;

    public DeliveryPlan(DeliverySettings settings, BulkBatcher batcher) {
        this.settings = settings;
        this.batcher = batcher;
    }

    public Chunk plan(Chunk chunk) {
        List<Item> pending = chunk.pending();
        boolean allSingle = settings.mode() == DeliverySettings.Mode.SINGLE || pending.size() < settings.singleBelow();
        List<Item> bulk = new ArrayList<>();
        List<Item> singles = new ArrayList<>();
        for (Item item : pending) {
            boolean single = allSingle || item.signUpForm() || !item.contact().fitsBulkImport();
            (single ? singles : bulk).add(item);
        }
        chunk.plan(batcher.batches(bulk), singles);
        return chunk;
    }
}
