package io.ccsync.contact;

import java.util.Map;

/**
 * The ids Constant Contact gave the names a mapping uses: custom field name → {@code custom_field_id}, list
 * name → {@code list_id} and tag name → {@code tag_id}. The delivery code resolves {@link ContactMapping#customFieldNames()} and
 * {@link ContactMapping#listNames()} once at start (plus list names met in a list column) and builds one of these.
 */
public record ApiIds(Map<String, String> customFieldIds, Map<String, String> listIds, Map<String, String> tagIds) {

    public ApiIds {
        customFieldIds = Map.copyOf(customFieldIds);
        listIds = Map.copyOf(listIds);
        tagIds = Map.copyOf(tagIds);
    }

    /** Without tags. */
    public ApiIds(Map<String, String> customFieldIds, Map<String, String> listIds) {
        this(customFieldIds, listIds, Map.of());
    }

    /** @throws IllegalStateException when the name was not resolved */
    public String tagId(String name) {
        String id = tagIds.get(name);
        if (id == null) {
            throw new IllegalStateException("tag '" + name + "' has no id: resolve it through "
                    + "GET /contact_tags before building bodies (create it in Constant Contact if missing)");
        }
        return id;
    }

    /** @throws IllegalStateException when the name was not resolved: a wiring bug, the API would reject the contact */
    public String customFieldId(String name) {
        String id = customFieldIds.get(name);
        if (id == null) {
            throw new IllegalStateException("custom field '" + name + "' has no id: resolve it through "
                    + "GET /contact_custom_fields before building bodies (create it in Constant Contact if missing)");
        }
        return id;
    }

    /** @throws IllegalStateException when the name was not resolved */
    public String listId(String name) {
        String id = listIds.get(name);
        if (id == null) {
            throw new IllegalStateException("list '" + name + "' has no id: resolve it through "
                    + "GET /contact_lists?name=… before building bodies (create it in Constant Contact if missing)");
        }
        return id;
    }
}
