package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The bulk side of one source's unit of work (a dropped file, a CRM poll), across its chunks: the records waiting in
 * partly filled import requests, the full requests not yet posted, and the posted ones not yet confirmed. A file whose
 * changed records are spread over many read chunks goes in as few imports as the limits allow, not one per chunk.
 * The source opens one ({@link Outboxes#open}, exchange property {@value #PROPERTY}), sends its chunks to
 * {@code direct:contacts} and ends with {@code direct:contacts-flush}. At most {@code maxQueued} requests are posted
 * and unconfirmed at once, which bounds the records held in memory (packed, see {@link Item#pack}) and still keeps
 * Constant Contact's queue for the account from running dry. Used by one thread at a time (the source's).
 */
public final class Outbox {
    public static final String PROPERTY = "CcsyncOutbox";

    private final BulkBatcher.Packer packer;
    private final int maxQueued;
    private final int singleBelow;
    private final Deque<BulkBatch> full = new ArrayDeque<>();
    private final Deque<BulkBatch> queued = new ArrayDeque<>();
    /** The first records, held as they are until there are enough for an import (else they go one by one). */
    private final List<Item> held = new ArrayList<>();
    private boolean packing;
    private final DeliveryReport report = new DeliveryReport();

    /** {@code singleBelow}: a unit with fewer records for bulk than this sends them one by one at the flush. */
    Outbox(BulkBatcher batcher, int maxQueued, int singleBelow) {
        this.packer = batcher.packer();
        this.maxQueued = maxQueued;
        this.singleBelow = singleBelow;
        this.packing = singleBelow <= 1;
    }

    /**
     * Adds a record for bulk import; it waits, packed, until its request is confirmed. Returns the records that got
     * their outcome at once (one too large for any request is dead-lettered), this one or one held before.
     */
    List<Item> add(Item item) {
        item.handedToOutbox();
        if (!packing) {
            held.add(item);
            if (held.size() < singleBelow) {
                return List.of();
            }
            packing = true;
            List<Item> settled = new ArrayList<>();
            for (Item h : held) {
                settled.addAll(pack(h));
            }
            held.clear();
            return settled;
        }
        return pack(item);
    }

    private List<Item> pack(Item item) {
        full.addAll(packer.add(item));
        if (item.pending()) {
            item.pack();
            return List.of();
        }
        return List.of(item);
    }

    /** At the flush of a unit that never had enough records for an import: they go one by one. */
    List<Item> takeHeld() {
        List<Item> out = List.copyOf(held);
        held.clear();
        return out;
    }

    /**
     * The next bulk step now: a full request to post while fewer than {@code maxQueued} are unconfirmed; else the
     * oldest unconfirmed one to follow to its end, when a full request waits for its place or {@code last} (the
     * source's unit is complete: the partly filled requests are closed and everything is followed). Null: nothing now.
     */
    Step next(boolean last) {
        if (last) {
            full.addAll(packer.seal());
        }
        if (!full.isEmpty() && queued.size() < maxQueued) {
            BulkBatch batch = full.poll();
            queued.add(batch);
            return new Step(batch, true);
        }
        if (!queued.isEmpty() && (last || !full.isEmpty())) {
            return new Step(queued.poll(), false);
        }
        return null;
    }

    /** Nothing waiting and nothing unconfirmed: every record given so far has its outcome. */
    public boolean idle() {
        return held.isEmpty() && full.isEmpty() && queued.isEmpty() && packer.waiting() == 0;
    }

    /** Records waiting for an import, posted or not. */
    public int waiting() {
        return held.size() + packer.waiting() + full.stream().mapToInt(BulkBatch::size).sum()
                + queued.stream().mapToInt(BulkBatch::size).sum();
    }

    /** Adds a call's report to the unit's (a CRM poll logs one line for the whole poll). */
    public void tally(DeliveryReport settled) {
        if (settled != null) {
            report.merge(settled);
        }
    }

    /** Every record of the unit settled so far, as far as the source {@link #tally tallied} them. */
    public DeliveryReport report() {
        return report;
    }

    /** One bulk step: post {@code batch}, or follow it to its end. */
    record Step(BulkBatch batch, boolean post) {
    }

    @Override
    public String toString() {
        return "outbox of " + waiting() + " records";
    }
}
