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
 * are kept (up to the API's limits, ours first); permission is the existing one unless ours is unsubscribed.
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
        mergePermission(body, existing);
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

    /** Never changes the existing consent; the only change ccsync makes is to unsubscribe an opted-out record. */
    private static void mergePermission(ObjectNode body, ObjectNode existing) {
        ObjectNode emailAddress = (ObjectNode) body.get("email_address");
        if (emailAddress.has("permission_to_send")) {
            return; // ours is unsubscribed
        }
        JsonNode current = existing.path("email_address").path("permission_to_send");
        if (current.isTextual()) {
            emailAddress.put("permission_to_send", current.asText());
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
