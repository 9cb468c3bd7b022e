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

    /** Lower-cased tag name → id. */
    Map<String, String> tagIds() {
        return tagIds;
    }

    void tagIds(Map<String, String> ids) {
        tagIds = Map.copyOf(ids);
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
