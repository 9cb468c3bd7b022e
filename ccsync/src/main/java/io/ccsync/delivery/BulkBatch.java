package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One {@code contacts_json_import} request: its records (all joining the same lists), the exact payload, and the
 * activity that imports it once posted.
 */
public final class BulkBatch implements Work {
    private final List<Item> items;
    private final List<String> listIds;
    private volatile byte[] payload;
    /** This request's key in {@code delivery_import_post}. */
    private final String postId = java.util.UUID.randomUUID().toString();
    private volatile boolean tried;
    /** When the next status read is due (the first: when the import should be done), and how many found it running. */
    private volatile Instant nextRead;
    private volatile Instant expectedDone;
    private volatile int readsRunning;
    private volatile Instant postedAt;
    private volatile String activityId;
    private volatile JsonNode activity;
    private volatile String deadLetterReason;

    BulkBatch(List<Item> items, List<String> listIds, byte[] payload) {
        this.items = List.copyOf(items);
        this.listIds = List.copyOf(listIds);
        this.payload = payload;
    }

    public List<Item> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public List<String> listIds() {
        return listIds;
    }

    /**
     * {@code {"import_data":[…],"list_ids":[…]}} as the UTF-8 bytes sent; their length is what the 4 MB limit
     * measures. Let go of once the activity is known (up to 4 MB per import waiting for confirmation).
     */
    public byte[] payload() {
        return payload;
    }

    /** True once a POST was tried: a further POST must first look whether the earlier one created an activity. */
    public boolean tried() {
        return tried;
    }

    void posting(Instant now) {
        if (postedAt == null) {
            postedAt = now;
        }
        tried = true;
    }

    String postId() {
        return postId;
    }

    /** When the first POST was sent (to recognise its activity in the recent ones); null before. */
    public Instant postedAt() {
        return postedAt;
    }

    public String activityId() {
        return activityId;
    }

    void activityId(String id) {
        activityId = id;
        payload = null;
    }

    Instant nextRead() {
        return nextRead;
    }

    /** When this import should be done, as estimated when it was posted (or since, from a status read). */
    public Instant expectedDone() {
        return expectedDone;
    }

    void schedule(Instant expectedDone, Instant nextRead) {
        this.expectedDone = expectedDone;
        this.nextRead = nextRead;
    }

    void readAgainAt(Instant next) {
        nextRead = next;
    }

    /** Status reads that found the import still running. */
    int readsRunning() {
        return readsRunning;
    }

    void foundRunning() {
        readsRunning++;
    }

    /** The latest activity status. */
    public JsonNode activity() {
        return activity;
    }

    void activity(JsonNode status) {
        activity = status;
    }

    /** Whether the import still runs: posted, not dead-lettered, not in a final state. */
    public boolean running() {
        if (activityId == null || deadLetterReason != null) {
            return false;
        }
        String state = activity == null ? "initialized" : activity.path("state").asText();
        return state.equals("initialized") || state.equals("processing");
    }

    public boolean deadLettered() {
        return deadLetterReason != null;
    }

    @Override
    public void retrying(Throwable cause) {
        // the next POST looks at the recent activities first (tried()), whatever the failure was
    }

    @Override
    public void deadLetter(String reason, int attempts) {
        deadLetterReason = reason;
        items.stream().filter(Item::pending).forEach(i -> i.deadLetter(reason, attempts));
    }

    /** Given up without a failed call (the activity ran too long, or ended badly): one attempt. */
    void deadLetter(String reason) {
        deadLetter(reason, 1);
    }

    @Override
    public void refused(String reason) {
        items.stream().filter(Item::pending).forEach(i -> i.reject(null,
                "Constant Contact refused the import request: " + reason));
    }

    @Override
    public String toString() {
        return "import of " + items.size() + " records" + (activityId == null ? "" : " (activity " + activityId + ")");
    }
}
