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

    void plan(List<BulkBatch> batches, List<Item> singles) {
        this.batches = List.copyOf(batches);
        this.singles = List.copyOf(singles);
    }

    /** What became of each record; a record still pending here is a bug, and is reported as dead-lettered. */
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
                case PENDING -> {
                    item.deadLetter("ccsync lost track of this record (a bug): it was kept for `ccsync replay`");
                    report.deadLetter(item.problem());
                }
            }
        }
        return report;
    }
}
