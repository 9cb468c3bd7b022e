package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one sandbox account's data, kept as V3 JSON: contacts (deleted ones included), lists and custom fields.
 * Every caller holds the instance's lock while it reads or writes.
 *
 * <p>Each contact is stored as its JSON bytes, indexed by id and by email (see {@link #emailKey}). As a tree of
 * {@code ObjectNode}s a contact takes about 4.4 KB of heap in some 100 objects, so a million of them were 4.4 GB
 * that the garbage collector had to copy; as bytes it is about a quarter of that in one object. The price: every
 * read ({@link #contact}, {@link #byEmail}, {@link #contacts}) parses a copy, and a change counts only once it is
 * given back to {@link #save} (a new contact to {@link #add}). Only those two write, so the index cannot drift.
 */
final class Account {
    static final int MAX_CUSTOM_FIELDS = 100;
    static final List<String> SUB_RESOURCES = List.of("custom_fields", "list_memberships", "phone_numbers",
            "street_addresses", "taggings", "notes");
    /** The SMS channel: an object, not a list, returned only with {@code include=sms_channel}. */
    static final String SMS_CHANNEL = "sms_channel";

    /** Each contact's JSON by contact_id, oldest first. */
    private final Map<String, byte[]> contacts = new LinkedHashMap<>();
    /** contact_id by {@link #emailKey} of the address, deleted contacts included (their email stays taken). */
    private final Map<String, String> byEmail = new HashMap<>();
    final Map<String, ObjectNode> lists = new LinkedHashMap<>();
    final Map<String, ObjectNode> customFields = new LinkedHashMap<>();
    /** Tags by tag_id; a name is unique per account (case-insensitively). */
    final Map<String, ObjectNode> tags = new LinkedHashMap<>();
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
        tags.clear();
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

    ObjectNode addTag(String name) {
        ObjectNode tag = Json.object();
        String id = UUID.randomUUID().toString();
        tag.put("tag_id", id);
        tag.put("name", name);
        tag.put("tag_source", "Contact");
        tag.put("created_at", now());
        tag.put("updated_at", now());
        tags.put(id, tag);
        return tag;
    }

    Optional<ObjectNode> tagByName(String name) {
        return tags.values().stream().filter(t -> t.get("name").asText().equalsIgnoreCase(name.strip())).findFirst();
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

    /**
     * A copy of the contact with this email, ignoring case as {@link String#equalsIgnoreCase} does; deleted ones
     * included. Changes to it count once it is given to {@link #save}.
     */
    Optional<ObjectNode> byEmail(String email) {
        String id = byEmail.get(emailKey(email));
        return id == null ? Optional.empty() : Optional.of(read(contacts.get(id)));
    }

    /** A copy of the contact with this id, or null; changes to it count once it is given to {@link #save}. */
    ObjectNode contact(String id) {
        byte[] stored = contacts.get(id);
        return stored == null ? null : read(stored);
    }

    /** Every contact, oldest first, each parsed (a copy) as the iteration reaches it; iterate under the lock. */
    Iterable<ObjectNode> contacts() {
        return () -> contacts.values().stream().map(Account::read).iterator();
    }

    int contactCount() {
        return contacts.size();
    }

    /** Stores a new contact; its email must not be taken (callers check with {@link #byEmail} first). */
    void add(ObjectNode contact) {
        String id = contact.get("contact_id").asText();
        byte[] json = Json.bytes(contact);
        // two operations on the two big maps, not four: an import adds a million contacts this way
        if (byEmail.putIfAbsent(emailKey(addressOf(contact)), id) != null) {
            throw new IllegalStateException("email already taken: " + addressOf(contact));
        }
        if (contacts.putIfAbsent(id, json) != null) {
            byEmail.remove(emailKey(addressOf(contact)));
            throw new IllegalStateException("contact_id already taken: " + id);
        }
    }

    /**
     * Stores a changed copy of a contact (same contact_id). When its address is no longer the one stored, the index
     * entry moves to the new address, which must not be another contact's (callers check with {@link #byEmail}).
     */
    void save(ObjectNode contact) {
        String id = contact.get("contact_id").asText();
        byte[] before = contacts.get(id);
        if (before == null) {
            throw new IllegalStateException("no contact " + id + " to save; add it");
        }
        String key = emailKey(addressOf(contact));
        String holder = byEmail.get(key);
        if (holder == null) { // a new address: only then is the stored one read
            byEmail.remove(emailKey(addressOf(read(before))));
            byEmail.put(key, id);
        } else if (!holder.equals(id)) {
            throw new IllegalStateException("email already taken: " + addressOf(contact));
        }
        contacts.put(id, Json.bytes(contact));
    }

    private static ObjectNode read(byte[] json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String addressOf(JsonNode contact) {
        return contact.path("email_address").path("address").asText();
    }

    /**
     * The index key of an address: two addresses have the same key exactly when {@link String#equalsIgnoreCase}
     * says they are equal (it compares code point by code point, equal when the upper cases are, or the lower cases
     * of the upper cases). An address already in lower-case ASCII, as most are, is its own key.
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

    /** A copy for a GET: sub-resources (and {@code sms_channel}) only when asked for with include. */
    static ObjectNode view(ObjectNode contact, List<String> include) {
        ObjectNode copy = ordered(contact);
        if (!include.contains(SMS_CHANNEL)) {
            copy.remove(SMS_CHANNEL);
        }
        for (String sub : SUB_RESOURCES) {
            if (!include.contains(sub)) {
                copy.remove(sub);
            }
        }
        return copy;
    }

    List<ObjectNode> snapshot() {
        List<ObjectNode> out = new ArrayList<>();
        contacts.values().forEach(c -> out.add(ordered(read(c))));
        return out;
    }

    ArrayNode listsJson() {
        ArrayNode a = Json.array();
        lists.values().forEach(l -> a.add(l.deepCopy()));
        return a;
    }
}
