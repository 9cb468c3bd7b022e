package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One call to {@code direct:contacts} (or {@code direct:contacts-flush}): every record of the chunk as an
 * {@link Item}, the contacts for the single path, and the bulk steps of the call. Records for bulk import go to the
 * source's {@link Outbox} and are reported by the call during which their import is confirmed, a later one maybe:
 * {@link #items()} is what this call settles. The body of the delivery route until it becomes the
 * {@link DeliveryReport}.
 */
public final class Chunk {
    private final List<Item> items;
    private final List<Item> settledFromOutbox = new ArrayList<>();
    private volatile Outbox outbox;
    private volatile boolean last = true;
    private volatile List<Item> singles = List.of();
    private volatile Outbox.Step step;

    Chunk(List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * The records this call settles: the chunk's own, except those waiting in an import not confirmed yet, and
     * those of earlier calls whose import was confirmed during this one.
     */
    public List<Item> items() {
        List<Item> out = new ArrayList<>(items.size() + settledFromOutbox.size());
        Set<Item> fromOutbox = Collections.newSetFromMap(new IdentityHashMap<>());
        fromOutbox.addAll(settledFromOutbox);
        for (Item item : items) { // the chunk's own in their order, then those of earlier calls
            if (!item.inOutbox() || fromOutbox.remove(item)) {
                out.add(item);
            }
        }
        for (Item item : settledFromOutbox) {
            if (fromOutbox.contains(item)) {
                out.add(item);
            }
        }
        return out;
    }

    public List<Item> pending() {
        return items.stream().filter(Item::pending).toList();
    }

    /** The contacts planned for the single path. */
    public List<Item> singles() {
        return singles;
    }

    /** Singles whose create met a 409: read again and updated, after the other singles. */
    public List<Item> conflicted() {
        return singles.stream().filter(Item::conflicted).toList();
    }

    /**
     * A record this call settles that is still pending once every call is done is a bug: it is marked dead-lettered
     * here, before the dead letter is written ({@code deadLetters.keep}), so the report and the table always agree
     * and a source's watermark only moves past records that are in one or the other. Records waiting in the outbox
     * for an import are not this call's.
     */
    public Chunk settle() {
        for (Item item : items()) {
            if (item.pending()) {
                item.deadLetter("ccsync lost track of this record (a bug): it was kept for `ccsync replay`");
            }
        }
        return this;
    }

    /** {@code outbox}: the source's, or the call's own; null only for a call with nothing for bulk (a test's plan). */
    void plan(Outbox outbox, boolean last, List<Item> bulk, List<Item> singles) {
        this.outbox = outbox;
        this.last = last;
        List<Item> one = new ArrayList<>(singles);
        for (Item item : bulk) {
            settledFromOutbox.addAll(outbox.add(item));
        }
        if (last && outbox != null) { // too few for an import in the whole unit: one by one, reported by this call
            List<Item> held = outbox.takeHeld();
            one.addAll(held);
            settledFromOutbox.addAll(held);
        }
        this.singles = List.copyOf(one);
    }

    /**
     * Decides the next bulk step of this call (the route loops while there is one): the request followed by the step
     * before has its records settled by now.
     */
    public boolean bulkStep() {
        if (step != null && !step.post()) {
            settledFromOutbox.addAll(step.batch().items());
        }
        step = outbox == null ? null : outbox.next(last);
        return step != null;
    }

    /** The request to post now (none or one). */
    public List<BulkBatch> toPost() {
        Outbox.Step s = step;
        return s != null && s.post() ? List.of(s.batch()) : List.of();
    }

    /** The request to follow to its end now (none or one). */
    public List<BulkBatch> toFollow() {
        Outbox.Step s = step;
        return s != null && !s.post() ? List.of(s.batch()) : List.of();
    }

    /** What became of each record settled by this call (after {@link #settle()}). */
    public DeliveryReport report() {
        DeliveryReport report = new DeliveryReport();
        for (Item item : items()) {
            switch (item.outcome()) {
                case CREATED -> report.addCreated(1);
                case UPDATED -> report.addUpdated(1);
                case IMPORTED -> report.addImported(1);
                case UNCHANGED -> report.addUnchanged(1);
                case REJECTED -> report.reject(item.problem());
                case DEAD_LETTERED -> report.deadLetter(item.problem());
                case PENDING -> throw new IllegalStateException(item + " is still pending: the chunk was not settled "
                        + "before its report (deadLetters.keep keeps only what settle() marked)");
            }
        }
        return report;
    }
}
