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
 * are kept (up to the API's limits, ours first), and so are taggings. Consent is never copied from the read: the body
 * carries {@code permission_to_send} only when ours is unsubscribed (see {@link #mergePermission}), and SMS consent
 * only when our record gives it (see {@link #mergeSms}).
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
        mergeIds(body, existing, "list_memberships", 50);
        mergeIds(body, existing, "taggings", 50);
        mergeSms(body, existing);
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

    /** List memberships and taggings: ours plus the ones the contact holds, up to the limit; ccsync never removes. */
    private static void mergeIds(ObjectNode body, ObjectNode existing, String name, int limit) {
        if (!body.has(name) || !existing.path(name).isArray()) {
            return;
        }
        ArrayNode merged = (ArrayNode) body.get(name);
        Set<String> ids = new HashSet<>();
        merged.forEach(id -> ids.add(id.asText()));
        for (JsonNode id : existing.get(name)) {
            if (merged.size() >= limit) {
                break;
            }
            if (ids.add(id.asText())) {
                merged.add(id.asText());
            }
        }
    }

    /**
     * SMS consent follows the email rule: the PUT carries only the explicit consent our record says the person gave,
     * never a consent read from the contact. Our body's {@code sms_channel} replaces the contact's, so when the number
     * is the one Constant Contact holds and our record gives no consent, or the contact has unsubscribed from SMS (a
     * CRM's old "yes" must not undo that), the channel is left out and Constant Contact keeps it as it is. A new
     * number goes with our consent or none: a consent belongs to the number it was given for.
     */
    private static void mergeSms(ObjectNode body, ObjectNode existing) {
        JsonNode ours = body.get("sms_channel");
        if (ours == null) {
            return;
        }
        if (ours.has("sms_channel_consents")) { // defence: only explicit is ever sent
            ArrayNode consents = (ArrayNode) ours.get("sms_channel_consents");
            for (int i = consents.size() - 1; i >= 0; i--) {
                if (!Permission.EXPLICIT.apiValue().equals(consents.get(i).path("sms_consent_permission").asText())) {
                    consents.remove(i);
                }
            }
            if (consents.isEmpty()) {
                ((ObjectNode) ours).remove("sms_channel_consents");
            }
        }
        JsonNode theirs = existing.path("sms_channel");
        String theirAddress = SmsNumbers.normalize(theirs.path("full_sms_address").asText(null));
        if (theirAddress == null || !theirAddress.equals(ours.path("full_sms_address").asText())) {
            return;
        }
        boolean unsubscribed = false;
        for (JsonNode consent : theirs.path("sms_channel_consents")) {
            unsubscribed |= Permission.UNSUBSCRIBED.apiValue().equals(consent.path("sms_consent_permission").asText());
        }
        if (!ours.has("sms_channel_consents") || unsubscribed) {
            body.remove("sms_channel");
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
