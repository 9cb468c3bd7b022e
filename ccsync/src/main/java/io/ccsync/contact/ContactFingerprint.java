package io.ccsync.contact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.TreeMap;

/**
 * What the delta-sync store keeps per contact: the lower-cased email and a SHA-256 (hex) of exactly the fields
 * ccsync sends, in a canonical form (fixed field order, custom fields, lists and tags sorted by name), so the same data
 * gives the same hash in every run and JVM and an unchanged contact costs no API call.
 */
public record ContactFingerprint(String email, String hash) {
    /** Bump when the canonical form changes, so every contact is sent once more rather than wrongly skipped. */
    private static final String VERSION = "1";

    public static ContactFingerprint of(Contact contact) {
        String email = contact.email() == null ? null : contact.email().toLowerCase(Locale.ROOT);
        return new ContactFingerprint(email, sha256(canonical(contact, email)));
    }

    private static String canonical(Contact c, String email) {
        ObjectNode node = Contact.JSON.createObjectNode();
        node.put("v", VERSION);
        node.put("email", email);
        node.put("permission", c.permission() == null ? null : c.permission().apiValue());
        node.put("first_name", c.firstName());
        node.put("last_name", c.lastName());
        node.put("job_title", c.jobTitle());
        node.put("company_name", c.companyName());
        node.put("birthday_month", c.birthdayMonth());
        node.put("birthday_day", c.birthdayDay());
        node.put("anniversary", c.anniversary());
        ArrayNode phones = node.putArray("phones"); // order kept: the first phone is the bulk record's phone
        c.phones().forEach(p -> phones.addArray().add(p.kind().apiValue()).add(p.number()));
        ArrayNode addresses = node.putArray("addresses");
        c.addresses().forEach(a -> addresses.addArray().add(a.kind().apiValue()).add(a.street()).add(a.city())
                .add(a.state()).add(a.postalCode()).add(a.country()));
        ObjectNode customFields = node.putObject("custom_fields");
        new TreeMap<>(c.customFields()).forEach(customFields::put);
        ArrayNode lists = node.putArray("lists");
        c.listNames().stream().sorted().forEach(lists::add);
        // Added only when set, so a contact without tags or SMS keeps the fingerprint it had before they existed
        // (no mass re-send after an upgrade), and a change to either is delivered.
        if (!c.tagNames().isEmpty()) {
            ArrayNode tags = node.putArray("tags");
            c.tagNames().stream().sorted().forEach(tags::add);
        }
        if (c.smsNumber() != null) {
            node.put("sms_number", c.smsNumber());
        }
        if (c.smsConsent()) {
            node.put("sms_consent", "explicit");
            node.put("sms_consent_date", c.smsConsentDate());
        }
        try {
            return Contact.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
