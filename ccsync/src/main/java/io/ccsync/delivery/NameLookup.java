package io.ccsync.delivery;


import java.util.Map;

/** The exchange's {@link Work} while {@link ApiNames} reads the account's custom fields, lists and tags. */
public final class NameLookup implements Work {
    private volatile String failure;
    private volatile Map<String, String> customFieldIds;
    private volatile Map<String, String> listIds;
    private volatile Map<String, String> tagIds;

    Map<String, String> customFieldIds() {
        return customFieldIds;
    }

    void customFieldIds(Map<String, String> ids) {
        customFieldIds = Map.copyOf(ids);
    }

    /** Lower-cased list name → id. */
    Map<String, String> listIds() {
        return listIds;
    }

    void listIds(Map<String, String> ids) {
        listIds = Map.copyOf(ids);
    }

    private volatile String tagsQuery = "limit=500";
    private final Map<String, String> tagPages = new java.util.HashMap<>();

    /** Lower-cased tag name → id; null until the last page is read. */
    Map<String, String> tagIds() {
        return tagIds;
    }

    /** One page of tags; {@code next}: the next page's query (from {@code _links.next.href}), null on the last. */
    void tagPage(Map<String, String> ids, String next) {
        tagPages.putAll(ids);
        tagsQuery = next;
        if (next == null) {
            tagIds = Map.copyOf(tagPages);
        }
    }

    /** The query of the next GET /contact_tags, or null once every page is read (or the read failed). */
    public String tagsQuery() {
        return failure == null ? tagsQuery : null;
    }

    @Override
    public void retrying(Throwable cause) {
        // nothing to remember: a lookup is simply asked again
    }

    @Override
    public void deadLetter(String reason, int attempts) {
        failure = reason;
    }

    @Override
    public void refused(String reason) {
        failure = reason;
    }

    String failure() {
        return failure;
    }
}
