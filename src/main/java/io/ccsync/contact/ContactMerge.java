package io.ccsync.contact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges our V3 body with the contact the API holds, for a PUT. A PUT nulls every core field it is not given and
 * replaces every sub-resource it is given, so: core fields we do not send are copied from the existing contact;
 * phones and addresses of kinds we do not send, custom fields we do not send and list memberships we do not send
 * are kept (up to the API's limits, ours first). Consent is never copied from the read: the body carries
 * {@code permission_to_send} only when ours is unsubscribed (see {@link #mergePermission}).
 */
final class ContactMerge {
    private static final List<String> CORE_FIELDS = List.of("first_name", "last_name", "job_title", "company_name",
            "birthday_month", "birthday_day", "anniversary");
    private static final List<String> ADDRESS_FIELDS =
            List.of("kind", "street", "city", "state", "postal_code", "country");

    private ContactMerge() {
    }

    static ObjectNode merge(ObjectNode ours, ObjectNode existing) {
        ObjectNode body = ours.deepCopy();
        mergePermission(body);
        for (String field : CORE_FIELDS) {
            if (!body.has(field) && hasValue(existing.get(field))) {
                body.set(field, existing.get(field));
            }
        }
        mergeByKey(body, existing, "phone_numbers", "kind", 3, List.of("phone_number", "kind"));
        mergeByKey(body, existing, "street_addresses", "kind", 3, ADDRESS_FIELDS);
        mergeByKey(body, existing, "custom_fields", "custom_field_id", 25, List.of("custom_field_id", "value"));
        mergeLists(body, existing);
        return body;
    }

    /**
     * The PUT carries {@code permission_to_send} only to unsubscribe an opted-out record. The value the earlier GET
     * read is never sent back: the person may have unsubscribed between that GET and this PUT (or during a retry's
     * backoff, or the wait for tomorrow's quota), and sending the stale {@code implicit} would re-subscribe them.
     * Left out, the API keeps the contact's current consent.
     */
    private static void mergePermission(ObjectNode body) {
        ObjectNode emailAddress = (ObjectNode) body.get("email_address");
        JsonNode ours = emailAddress.get("permission_to_send");
        if (ours != null && !Permission.UNSUBSCRIBED.apiValue().equals(ours.asText())) {
            emailAddress.remove("permission_to_send"); // defence: nothing but an unsubscribe is ever sent
        }
    }

    /** Ours replace existing entries with the same key; existing entries with other keys stay, up to the limit. */
    private static void mergeByKey(ObjectNode body, ObjectNode existing, String name, String key, int limit,
            List<String> writable) {
        if (!body.has(name) || !existing.path(name).isArray()) {
            return; // not sent: the API keeps what it has
        }
        ArrayNode merged = (ArrayNode) body.get(name);
        Set<String> ourKeys = new HashSet<>();
        merged.forEach(entry -> ourKeys.add(entry.path(key).asText()));
        for (JsonNode entry : existing.get(name)) {
            if (merged.size() >= limit) {
                break;
            }
            if (!ourKeys.contains(entry.path(key).asText())) {
                merged.add(writableCopy(entry, writable)); // read-only ids and timestamps are not sent back
            }
        }
    }

    private static void mergeLists(ObjectNode body, ObjectNode existing) {
        if (!body.has("list_memberships") || !existing.path("list_memberships").isArray()) {
            return;
        }
        ArrayNode merged = (ArrayNode) body.get("list_memberships");
        Set<String> ids = new HashSet<>();
        merged.forEach(id -> ids.add(id.asText()));
        for (JsonNode id : existing.get("list_memberships")) {
            if (merged.size() >= 50) {
                break;
            }
            if (ids.add(id.asText())) {
                merged.add(id.asText());
            }
        }
    }

    private static ObjectNode writableCopy(JsonNode entry, List<String> writable) {
        ObjectNode copy = Contact.JSON.createObjectNode();
        for (String field : writable) {
            if (hasValue(entry.get(field))) {
                copy.set(field, entry.get(field));
            }
        }
        return copy;
    }

    private static boolean hasValue(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }
}
