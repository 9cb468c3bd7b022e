package io.ccsync.delivery;

import java.util.List;

/**
 * One call to {@code direct:contacts}: every record of the chunk as an {@link Item}, and the plan (import requests and
 * single contacts) for the pending ones. The body of the delivery route until it becomes the {@link DeliveryReport}.
 */
public final class Chunk {
    private final List<Item> items;
    private volatile List<BulkBatch> batches = List.of();
    private volatile List<Item> singles = List.of();

    Chunk(List<Item> items) {
        this.items = List.copyOf(items);
    }

    public List<Item> items() {
        return items;
    }

    public List<Item> pending() {
        return items.stream().filter(Item::pending).toList();
    }

    /** The import requests planned for this chunk. */
    public List<BulkBatch> batches() {
        return batches;
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
     * A record still pending once every call is done is a bug: it is marked dead-lettered here, before the dead
     * letter is written ({@code deadLetters.keep}), so the report and the table always agree and a source's
     * watermark only moves past records that are in one or the other.
     */
    public Chunk settle() {
        for (Item item : items) {
            if (item.pending()) {
                item.deadLetter("ccsync lost track of this record (a bug): it was kept for `ccsync replay`");
            }
        }
        return this;
    }

    void plan(List<BulkBatch> batches, List<Item> singles) {
        this.batches = List.copyOf(batches);
        this.singles = List.copyOf(singles);
    }

    /** What became of each record (after {@link #settle()}). */
    public DeliveryReport report() {
        DeliveryReport report = new DeliveryReport();
        for (Item item : items) {
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
