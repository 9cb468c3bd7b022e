package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Constant Contact's limits on a contact body. Each message names the field, so a 400 tells the client what
 * to fix. Used by POST and PUT /contacts, the sign-up form and (field by field) the bulk import.
 */
final class ContactRules {
    enum Kind { CREATE, UPDATE, SIGN_UP }

    static final Set<String> PERMISSIONS = Set.of("explicit", "implicit", "not_set", "pending_confirmation",
            "temp_hold", "unsubscribed");
    static final Set<String> SOURCES = Set.of("Contact", "Account");
    static final Set<String> SMS_PERMISSIONS = Set.of("explicit", "not_set", "pending_confirmation", "unsubscribed");
    static final Pattern SMS_ADDRESS = Pattern.compile("\\+?[0-9]{7,15}");
    static final Set<String> PHONE_KINDS = Set.of("home", "work", "mobile", "other");
    static final Set<String> ADDRESS_KINDS = Set.of("home", "work", "other");
    static final List<String> CORE_FIELDS = List.of("first_name", "last_name", "job_title", "company_name",
            "birthday_month", "birthday_day", "anniversary");
    private static final List<String> NAME_FIELDS = List.of("first_name", "last_name", "job_title", "company_name");
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");
    private static final Pattern ANNIVERSARY = Pattern.compile(
            "\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}|\\d{1,2}[-/]\\d{1,2}[-/]\\d{4}");

    private ContactRules() {
    }

    static List<String> check(JsonNode body, Kind kind, Account account) {
        List<String> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add("the request body must be a JSON object");
            return errors;
        }
        if (kind == Kind.SIGN_UP) {
            JsonNode email = body.get("email_address");
            if (email == null || !email.isTextual()) {
                errors.add("email_address is required and must be a string here");
            } else {
                addIfProblem(errors, emailProblem("email_address", email.asText()));
            }
        } else {
            JsonNode email = body.get("email_address");
            if (email == null || !email.isObject() || !email.path("address").isTextual()) {
                errors.add("email_address.address is required");
            } else {
                addIfProblem(errors, emailProblem("email_address.address", email.get("address").asText()));
                JsonNode permission = email.get("permission_to_send");
                if (permission != null && !permission.isNull()
                        && (!permission.isTextual() || !PERMISSIONS.contains(permission.asText()))) {
                    errors.add("email_address.permission_to_send must be one of " + String.join(", ", sorted(PERMISSIONS)));
                }
            }
            String source = kind == Kind.CREATE ? "create_source" : "update_source";
            JsonNode s = body.get(source);
            if (s == null || !s.isTextual() || !SOURCES.contains(s.asText())) {
                errors.add(source + " is required and must be Contact or Account");
            }
        }
        for (String field : NAME_FIELDS) {
            text(body, field, 50, errors);
        }
        birthday(body, errors);
        JsonNode anniversary = body.get("anniversary");
        if (anniversary != null && !anniversary.isNull()) {
            addIfProblem(errors, anniversary.isTextual() ? anniversaryProblem(anniversary.asText())
                    : "anniversary must be a string");
        }
        if (kind == Kind.SIGN_UP) {
            text(body, "phone_number", 25, errors);
            JsonNode address = body.get("street_address");
            if (address != null && !address.isNull()) {
                address(address, "street_address", errors);
            }
        } else {
            JsonNode phones = array(body, "phone_numbers", 3, errors);
            for (int i = 0; phones != null && i < phones.size(); i++) {
                JsonNode phone = phones.get(i);
                String at = "phone_numbers[" + i + "]";
                if (!phone.isObject() || !phone.path("phone_number").isTextual()) {
                    errors.add(at + ".phone_number is required");
                    continue;
                }
                text(phone, "phone_number", 25, errors, at + ".");
                JsonNode kindNode = phone.get("kind");
                if (kindNode != null && !kindNode.isNull() && !PHONE_KINDS.contains(kindNode.asText())) {
                    errors.add(at + ".kind must be one of home, work, mobile, other");
                }
            }
            JsonNode addresses = array(body, "street_addresses", 3, errors);
            for (int i = 0; addresses != null && i < addresses.size(); i++) {
                address(addresses.get(i), "street_addresses[" + i + "]", errors);
            }
            JsonNode tags = array(body, "taggings", 50, errors);
            strings(tags, "taggings", errors);
            for (int i = 0; tags != null && i < tags.size(); i++) {
                if (tags.get(i).isTextual() && !account.tags.containsKey(tags.get(i).asText())) {
                    errors.add("taggings[" + i + "] " + tags.get(i).asText() + " is not a tag of this account");
                }
            }
            smsChannel(body.get(Account.SMS_CHANNEL), errors);
            JsonNode notes = array(body, "notes", 150, errors);
            for (int i = 0; notes != null && i < notes.size(); i++) {
                JsonNode note = notes.get(i);
                String at = "notes[" + i + "]";
                if (!note.isObject() || !note.path("content").isTextual()) {
                    errors.add(at + ".content is required");
                } else {
                    text(note, "content", 2000, errors, at + ".");
                }
            }
        }
        JsonNode fields = array(body, "custom_fields", 25, errors);
        for (int i = 0; fields != null && i < fields.size(); i++) {
            JsonNode field = fields.get(i);
            String at = "custom_fields[" + i + "]";
            if (!field.isObject() || !field.path("custom_field_id").isTextual()) {
                errors.add(at + ".custom_field_id is required");
                continue;
            }
            if (!account.customFields.containsKey(field.get("custom_field_id").asText())) {
                errors.add(at + ".custom_field_id " + field.get("custom_field_id").asText() + " is not a custom field of this account");
            }
            JsonNode value = field.get("value");
            if (value == null || value.isNull() || !value.isValueNode()) {
                errors.add(at + ".value is required");
            } else if (value.asText().length() > 255) {
                errors.add(at + ".value must be at most 255 characters");
            }
        }
        JsonNode lists = array(body, "list_memberships", 50, errors);
        if (kind == Kind.SIGN_UP && (lists == null || lists.isEmpty())) {
            errors.add("list_memberships is required: 1 to 50 list ids");
        }
        strings(lists, "list_memberships", errors);
        for (int i = 0; lists != null && i < lists.size(); i++) {
            if (lists.get(i).isTextual() && !account.lists.containsKey(lists.get(i).asText())) {
                errors.add("list_memberships[" + i + "] " + lists.get(i).asText() + " is not a list of this account");
            }
        }
        return errors;
    }

    /** {@code sms_channel {full_sms_address, sms_channel_consents[{sms_consent_permission, consent_type}]}}. */
    private static void smsChannel(JsonNode sms, List<String> errors) {
        if (sms == null || sms.isNull()) {
            return;
        }
        String address = sms.path("full_sms_address").asText("");
        if (!SMS_ADDRESS.matcher(address).matches()) {
            errors.add("sms_channel.full_sms_address must be a phone number: 7 to 15 digits, optionally after +");
        }
        JsonNode consents = sms.get("sms_channel_consents");
        if (consents != null && !consents.isArray()) {
            errors.add("sms_channel.sms_channel_consents must be an array");
            return;
        }
        for (int i = 0; consents != null && i < consents.size(); i++) {
            String permission = consents.get(i).path("sms_consent_permission").asText();
            if (!SMS_PERMISSIONS.contains(permission)) {
                errors.add("sms_channel.sms_channel_consents[" + i + "].sms_consent_permission must be one of "
                        + String.join(", ", sorted(SMS_PERMISSIONS)));
            }
        }
    }

    static String emailProblem(String field, String address) {
        if (address.length() > 80) {
            return field + " must be at most 80 characters";
        }
        if (!EMAIL.matcher(address).matches()) {
            return field + " is not a valid email address";
        }
        return null;
    }

    static String anniversaryProblem(String value) {
        if (value.length() > 10 || !ANNIVERSARY.matcher(value).matches()) {
            return "anniversary must be a date such as YYYY-MM-DD or MM/DD/YYYY (at most 10 characters)";
        }
        return null;
    }

    static String lengthProblem(String field, String value, int max) {
        return value.length() > max ? field + " must be at most " + max + " characters (was " + value.length() + ")" : null;
    }

    /** Month 1-12 and day 1-31, both or neither; null means fine. */
    static String birthdayProblem(JsonNode month, JsonNode day) {
        boolean hasMonth = month != null && !month.isNull();
        boolean hasDay = day != null && !day.isNull();
        if (hasMonth != hasDay) {
            return "birthday_month and birthday_day must be given together";
        }
        if (hasMonth && !within(month, 12)) {
            return "birthday_month must be 1 to 12";
        }
        if (hasDay && !within(day, 31)) {
            return "birthday_day must be 1 to 31";
        }
        return null;
    }

    /** An integer 1..max, as a number or (in bulk records) a numeric string. */
    private static boolean within(JsonNode node, int max) {
        Integer n = intOf(node);
        return n != null && n >= 1 && n <= max;
    }

    static Integer intOf(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.asInt();
        }
        if (node.isTextual() && node.asText().trim().matches("\\d{1,2}")) {
            return Integer.parseInt(node.asText().trim());
        }
        return null;
    }

    private static void birthday(JsonNode body, List<String> errors) {
        JsonNode month = body.get("birthday_month");
        JsonNode day = body.get("birthday_day");
        if (month != null && !month.isNull() && !month.isIntegralNumber()) {
            errors.add("birthday_month must be 1 to 12");
            return;
        }
        if (day != null && !day.isNull() && !day.isIntegralNumber()) {
            errors.add("birthday_day must be 1 to 31");
            return;
        }
        addIfProblem(errors, birthdayProblem(month, day));
    }

    private static void address(JsonNode address, String at, List<String> errors) {
        if (!address.isObject()) {
            errors.add(at + " must be an object");
            return;
        }
        JsonNode kind = address.get("kind");
        if (kind == null || !kind.isTextual() || !ADDRESS_KINDS.contains(kind.asText())) {
            errors.add(at + ".kind is required and must be one of home, work, other");
        }
        text(address, "street", 255, errors, at + ".");
        for (String f : List.of("city", "state", "postal_code", "country")) {
            text(address, f, 50, errors, at + ".");
        }
    }

    private static void text(JsonNode body, String field, int max, List<String> errors) {
        text(body, field, max, errors, "");
    }

    private static void text(JsonNode body, String field, int max, List<String> errors, String prefix) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isTextual()) {
            errors.add(prefix + field + " must be a string");
            return;
        }
        addIfProblem(errors, lengthProblem(prefix + field, value.asText(), max));
    }

    private static JsonNode array(JsonNode body, String field, int max, List<String> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            errors.add(field + " must be an array");
            return null;
        }
        if (value.size() > max) {
            errors.add(field + " must have at most " + max + " entries (had " + value.size() + ")");
        }
        return value;
    }

    private static void strings(JsonNode array, String field, List<String> errors) {
        for (int i = 0; array != null && i < array.size(); i++) {
            if (!array.get(i).isTextual()) {
                errors.add(field + "[" + i + "] must be a string id");
            }
        }
    }

    private static void addIfProblem(List<String> errors, String problem) {
        if (problem != null) {
            errors.add(problem);
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
