package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tags of one finished import ({@code direct:bulk-tag}). An import record has no tag field and the activity does
 * not say which contact ids it wrote, so the imported contacts that carry tags are found afterwards (the batch's list,
 * {@code updated_after} the POST: a page of 500 per call; any not found there, by email) and tagged with
 * {@code contacts_taggings_add}, one request per tag set and 500 contacts. Until that is confirmed they are not
 * delivered: a failure puts them in the dead letter, and a replay tags them (adding a tag twice is harmless).
 */
public final class ImportTaggings implements Work {
    /** Contact ids per {@code contacts_taggings_add} request. */
    static final int IDS_PER_REQUEST = 500;
    /** Server and client clocks differ a little: look for contacts updated a little before the POST too. */
    private static final Duration SKEW = Duration.ofMinutes(2);

    private final List<Item> items;
    /** Queries of GET /contacts still to make: the list's pages first, then one per email not found there. */
    private final Deque<String> queries = new ArrayDeque<>();
    private final Map<String, String> contactIds = new HashMap<>();
    private final Deque<Request> requests = new ArrayDeque<>();
    private boolean byEmailQueued;
    private volatile Request current;
    private volatile String activityId;
    private volatile JsonNode activity;
    private volatile boolean failed;

    /** One {@code contacts_taggings_add}: these tag ids on these items' contacts. */
    record Request(List<String> tagIds, List<Item> items, List<String> contactIds) {
    }

    ImportTaggings(List<Item> items, String listId, Instant postedAt) {
        this.items = List.copyOf(items);
        if (!items.isEmpty()) {
            queries.add("lists=" + listId + "&status=all&limit=500&updated_after="
                    + postedAt.minus(SKEW).truncatedTo(ChronoUnit.SECONDS));
        }
    }

    /** Whether there is anything to tag. */
    public boolean needed() {
        return !items.isEmpty() && !failed;
    }

    public List<Item> items() {
        return items;
    }

    /** The query of the next GET /contacts, or null when every contact id is known (or cannot be). */
    public String query() {
        return queries.peek();
    }

    /** Whether contact ids are still being looked up. */
    public boolean finding() {
        return !failed && !queries.isEmpty();
    }

    /** A page read: its contacts' ids by email, and the next page's query (from {@code _links.next.href}). */
    void page(Map<String, String> idsByEmail, String nextHref) {
        queries.poll();
        idsByEmail.forEach((email, id) -> contactIds.put(email.toLowerCase(Locale.ROOT), id));
        if (nextHref != null && nextHref.contains("?")) {
            queries.addFirst(nextHref.substring(nextHref.indexOf('?') + 1));
        }
        if (queries.isEmpty() && !byEmailQueued) {
            byEmailQueued = true;
            for (Item item : items) {
                if (!contactIds.containsKey(key(item))) {
                    queries.add("email=" + URLEncoder.encode(item.email(), StandardCharsets.UTF_8)
                            + "&status=all");
                }
            }
        }
        if (queries.isEmpty()) {
            plan();
        }
    }

    private void plan() {
        Map<List<String>, List<Item>> byTags = new LinkedHashMap<>();
        for (Item item : items) {
            if (!contactIds.containsKey(key(item))) {
                item.deadLetter("imported, but Constant Contact returned no contact for it to tag afterwards");
                continue;
            }
            byTags.computeIfAbsent(item.tagIds(), k -> new ArrayList<>()).add(item);
        }
        byTags.forEach((tagIds, group) -> {
            for (int i = 0; i < group.size(); i += IDS_PER_REQUEST) {
                List<Item> part = group.subList(i, Math.min(group.size(), i + IDS_PER_REQUEST));
                requests.add(new Request(tagIds, List.copyOf(part), part.stream().map(it -> contactIds.get(key(it)))
                        .toList()));
            }
        });
    }

    /** Whether a taggings request is still to be sent. */
    public boolean posting() {
        return !failed && !requests.isEmpty();
    }

    /** The next request's body. */
    Request next() {
        current = requests.peek();
        activityId = null;
        activity = null;
        return current;
    }

    void posted(String id) {
        activityId = id;
    }

    public String activityId() {
        return activityId;
    }

    void activity(JsonNode status) {
        activity = status;
    }

    /** Whether the current request's activity still runs. */
    public boolean running() {
        if (failed || activityId == null) {
            return false;
        }
        String state = activity == null ? "initialized" : activity.path("state").asText();
        return state.equals("initialized") || state.equals("processing");
    }

    /** The current request ended (its activity is final): the next one, if any. */
    void done() {
        requests.poll();
        current = null;
    }

    Request current() {
        return current;
    }

    JsonNode activity() {
        return activity;
    }

    private static String key(Item item) {
        return item.email().toLowerCase(Locale.ROOT);
    }

    @Override
    public void retrying(Throwable cause) {
        // a repeated GET or taggings_add is harmless
    }

    @Override
    public void deadLetter(String reason, int attempts) {
        failed = true;
        items.stream().filter(i -> i.outcome() == Item.Outcome.IMPORTED)
                .forEach(i -> i.deadLetter("imported, but tagging it failed: " + reason, attempts));
    }

    @Override
    public void refused(String reason) {
        failed = true;
        items.stream().filter(i -> i.outcome() == Item.Outcome.IMPORTED)
                .forEach(i -> i.reject("taggings", "imported, but Constant Contact refused its tags: " + reason));
    }

    @Override
    public String toString() {
        return "tagging of " + items.size() + " imported contacts";
    }
}
