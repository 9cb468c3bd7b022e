package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one sandbox account's data, kept as V3 JSON: contacts (deleted ones included), lists and custom fields.
 * Contacts are kept by id and indexed by email (see {@link #emailKey}); only {@link #add} and {@link #changeEmail}
 * change them, so the index cannot drift. Every caller holds the instance's lock while it reads or writes.
 */
final class Account {
    static final int MAX_CUSTOM_FIELDS = 100;
    static final List<String> SUB_RESOURCES = List.of("custom_fields", "list_memberships", "phone_numbers",
            "street_addresses", "taggings", "notes");

    /** By contact_id, oldest first. */
    private final Map<String, ObjectNode> contacts = new LinkedHashMap<>();
    /** By {@link #emailKey} of the address, deleted contacts included (their email stays taken). */
    private final Map<String, ObjectNode> byEmail = new HashMap<>();
    final Map<String, ObjectNode> lists = new LinkedHashMap<>();
    final Map<String, ObjectNode> customFields = new LinkedHashMap<>();
    private final Clock clock;
    private volatile Stamp last;

    Account(Clock clock) {
        this.clock = clock;
        reset();
    }

    /** Empties the account; like a new Constant Contact account it has the "General Interest" list. */
    void reset() {
        contacts.clear();
        byEmail.clear();
        lists.clear();
        customFields.clear();
        addList("General Interest", "", false);
    }

    /**
     * The time to stamp, in whole seconds. Every stamp of the same second is the same String: a contact holds up
     * to nine of them, and a million contacts imported within a few minutes would otherwise hold nine million copies.
     * Called with or without the lock (the import worker stamps activities), so the last stamp is one volatile pair.
     */
    String now() {
        long second = clock.instant().getEpochSecond();
        Stamp last = this.last;
        if (last == null || last.second != second) {
            last = new Stamp(second, Instant.ofEpochSecond(second).toString());
            this.last = last;
        }
        return last.text;
    }

    private record Stamp(long second, String text) {
    }

    ObjectNode addList(String name, String description, boolean favorite) {
        ObjectNode list = Json.object();
        String id = UUID.randomUUID().toString();
        list.put("list_id", id);
        list.put("name", name);
        list.put("description", description == null ? "" : description);
        list.put("favorite", favorite);
        list.put("created_at", now());
        list.put("updated_at", now());
        lists.put(id, list);
        return list;
    }

    ObjectNode addCustomField(String label, String type) {
        ObjectNode field = Json.object();
        String id = UUID.randomUUID().toString();
        field.put("custom_field_id", id);
        field.put("label", label);
        field.put("name", nameOf(label));
        field.put("type", type);
        field.put("created_at", now());
        field.put("updated_at", now());
        customFields.put(id, field);
        return field;
    }

    /** Constant Contact derives a field's name from its label: lower case, underscores. */
    static String nameOf(String label) {
        return label.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    }

    Optional<ObjectNode> customFieldByName(String name) {
        return customFields.values().stream().filter(f -> f.get("name").asText().equalsIgnoreCase(name)).findFirst();
    }

    /** The contact with this email, ignoring case as {@link String#equalsIgnoreCase} does; deleted ones included. */
    Optional<ObjectNode> byEmail(String email) {
        return Optional.ofNullable(byEmail.get(emailKey(email)));
    }

    ObjectNode contact(String id) {
        return contacts.get(id);
    }

    /** Every contact, oldest first; a view, not a copy. */
    Collection<ObjectNode> contacts() {
        return Collections.unmodifiableCollection(contacts.values());
    }

    int contactCount() {
        return contacts.size();
    }

    /** Stores a new contact; its email must not be taken (callers check with {@link #byEmail} first). */
    void add(ObjectNode contact) {
        String key = emailKey(addressOf(contact));
        if (byEmail.containsKey(key)) {
            throw new IllegalStateException("email already taken: " + addressOf(contact));
        }
        contacts.put(contact.get("contact_id").asText(), contact);
        byEmail.put(key, contact);
    }

    /** Gives a stored contact a new address (or the same one in other case); it must not be another's. */
    void changeEmail(ObjectNode contact, String address) {
        String oldKey = emailKey(addressOf(contact));
        String newKey = emailKey(address);
        ObjectNode holder = byEmail.get(newKey);
        if (holder != null && holder != contact) {
            throw new IllegalStateException("email already taken: " + address);
        }
        if (byEmail.get(oldKey) == contact) {
            byEmail.remove(oldKey);
        }
        ((ObjectNode) contact.get("email_address")).put("address", address);
        byEmail.put(newKey, contact);
    }

    private static String addressOf(JsonNode contact) {
        return contact.path("email_address").path("address").asText();
    }

    /**
     * The index key of an address: two addresses have the same key exactly when {@link String#equalsIgnoreCase}
     * says they are equal (it compares code point by code point, equal when the upper cases are, or the lower cases
     * of the upper cases). An address already in lower-case ASCII, as most are, is its own key: no copy is kept.
     */
    static String emailKey(String address) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c >= 0x80 || c >= 'A' && c <= 'Z') {
                StringBuilder key = new StringBuilder(address.length());
                address.codePoints().forEach(cp -> key.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
                return key.toString();
            }
        }
        return address;
    }

    static boolean deleted(JsonNode contact) {
        return contact.hasNonNull("deleted_at");
    }

    private static final List<String> ORDER = List.of("contact_id", "email_address", "first_name", "last_name",
            "job_title", "company_name", "birthday_month", "birthday_day", "anniversary", "create_source",
            "update_source", "created_at", "updated_at", "deleted_at");

    /** A copy with the fields in Constant Contact's order, however they were set. */
    static ObjectNode ordered(ObjectNode contact) {
        ObjectNode copy = Json.object();
        for (String field : ORDER) {
            if (contact.has(field)) {
                copy.set(field, contact.get(field).deepCopy());
            }
        }
        contact.fields().forEachRemaining(e -> {
            if (!copy.has(e.getKey())) {
                copy.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return copy;
    }

    /** A copy for a GET: sub-resources only when asked for with include. */
    static ObjectNode view(ObjectNode contact, List<String> include) {
        ObjectNode copy = ordered(contact);
        for (String sub : SUB_RESOURCES) {
            if (!include.contains(sub)) {
                copy.remove(sub);
            }
        }
        return copy;
    }

    List<ObjectNode> snapshot() {
        List<ObjectNode> out = new ArrayList<>();
        contacts.values().forEach(c -> out.add(ordered(c)));
        return out;
    }

    ArrayNode listsJson() {
        ArrayNode a = Json.array();
        lists.values().forEach(l -> a.add(l.deepCopy()));
        return a;
    }
}
