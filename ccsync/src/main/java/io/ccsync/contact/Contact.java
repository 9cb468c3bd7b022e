package io.ccsync.contact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Constant Contact contact fields ccsync sends, immutable. A null field is "not sent": a PUT keeps the existing
 * value (see {@link #updateBody}) and a bulk import leaves it alone. Limits are not enforced here but by
 * {@link ContactValidator}, so that a bad record can be reported field by field instead of failing on construction.
 */
public final class Contact {
    /** {@code create_source} / {@code update_source}: the account owner (the CRM), not the contact, made the change. */
    public static final String SOURCE = "Account";

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String email;
    private final Permission permission;
    private final String firstName;
    private final String lastName;
    private final String jobTitle;
    private final String companyName;
    private final Integer birthdayMonth;
    private final Integer birthdayDay;
    private final String anniversary;
    private final List<Phone> phones;
    private final List<Address> addresses;
    private final Map<String, String> customFields;
    private final List<String> listNames;
    private final List<String> tagNames;
    private final String smsNumber;
    private final boolean smsConsent;
    private final String smsConsentDate;

    private Contact(Builder b) {
        email = b.email;
        permission = b.permission;
        firstName = b.firstName;
        lastName = b.lastName;
        jobTitle = b.jobTitle;
        companyName = b.companyName;
        birthdayMonth = b.birthdayMonth;
        birthdayDay = b.birthdayDay;
        anniversary = b.anniversary;
        phones = List.copyOf(b.phones);
        addresses = List.copyOf(b.addresses);
        customFields = Collections.unmodifiableMap(new LinkedHashMap<>(b.customFields));
        listNames = List.copyOf(b.listNames);
        tagNames = List.copyOf(b.tagNames);
        smsNumber = b.smsNumber;
        smsConsent = b.smsConsent;
        smsConsentDate = b.smsConsent ? b.smsConsentDate : null;
    }

    public static Builder builder(String email) {
        return new Builder(email);
    }

    public String email() {
        return email;
    }

    /** {@link Permission#UNSUBSCRIBED} for an opted-out record, otherwise null: ccsync never grants permission. */
    public Permission permission() {
        return permission;
    }

    public boolean optedOut() {
        return permission == Permission.UNSUBSCRIBED;
    }

    public String firstName() {
        return firstName;
    }

    public String lastName() {
        return lastName;
    }

    public String jobTitle() {
        return jobTitle;
    }

    public String companyName() {
        return companyName;
    }

    public Integer birthdayMonth() {
        return birthdayMonth;
    }

    public Integer birthdayDay() {
        return birthdayDay;
    }

    public String anniversary() {
        return anniversary;
    }

    public List<Phone> phones() {
        return phones;
    }

    public List<Address> addresses() {
        return addresses;
    }

    /** Custom field name → value, in mapping order. Names are resolved to ids through {@link ApiIds}. */
    public Map<String, String> customFields() {
        return customFields;
    }

    public List<String> listNames() {
        return listNames;
    }

    /** Tag names, in mapping order (fixed tags first); resolved to {@code tag_id}s through {@link ApiIds}. */
    public List<String> tagNames() {
        return tagNames;
    }

    /** The SMS number as the source gave it (checked by {@link ContactValidator}); null when none. */
    public String smsNumber() {
        return smsNumber;
    }

    /** The SMS number as sent: digits with an optional leading +, or null when there is none or it is invalid. */
    public String smsAddress() {
        return SmsNumbers.normalize(smsNumber);
    }

    /**
     * True only when the source says the person gave SMS consent (explicit). False means "not given in this record",
     * never "withdrawn": ccsync then sends no SMS consent at all, so Constant Contact keeps what it has.
     */
    public boolean smsConsent() {
        return smsConsent;
    }

    /** The day the person gave SMS consent, YYYY-MM-DD, when the source says; null otherwise (or without consent). */
    public String smsConsentDate() {
        return smsConsentDate;
    }

    /** The V3 body for POST and PUT without {@code create_source}/{@code update_source}. */
    public ObjectNode v3Body(ApiIds ids) {
        ObjectNode body = NODES.objectNode();
        ObjectNode emailAddress = body.putObject("email_address").put("address", email);
        if (permission != null) {
            emailAddress.put("permission_to_send", permission.apiValue());
        }
        putIfSet(body, "first_name", firstName);
        putIfSet(body, "last_name", lastName);
        putIfSet(body, "job_title", jobTitle);
        putIfSet(body, "company_name", companyName);
        if (birthdayMonth != null) {
            body.put("birthday_month", birthdayMonth);
        }
        if (birthdayDay != null) {
            body.put("birthday_day", birthdayDay);
        }
        putIfSet(body, "anniversary", anniversary);
        if (!phones.isEmpty()) {
            ArrayNode array = body.putArray("phone_numbers");
            phones.forEach(p -> array.addObject().put("phone_number", p.number()).put("kind", p.kind().apiValue()));
        }
        if (!addresses.isEmpty()) {
            ArrayNode array = body.putArray("street_addresses");
            for (Address a : addresses) {
                ObjectNode node = array.addObject().put("kind", a.kind().apiValue());
                putIfSet(node, "street", a.street());
                putIfSet(node, "city", a.city());
                putIfSet(node, "state", a.state());
                putIfSet(node, "postal_code", a.postalCode());
                putIfSet(node, "country", a.country());
            }
        }
        if (!customFields.isEmpty()) {
            ArrayNode array = body.putArray("custom_fields");
            customFields.forEach((name, value) ->
                    array.addObject().put("custom_field_id", ids.customFieldId(name)).put("value", value));
        }
        if (!listNames.isEmpty()) {
            ArrayNode array = body.putArray("list_memberships");
            listNames.forEach(name -> array.add(ids.listId(name)));
        }
        if (!tagNames.isEmpty()) {
            ArrayNode array = body.putArray("taggings");
            tagNames.forEach(name -> array.add(ids.tagId(name)));
        }
        if (smsNumber != null) {
            ObjectNode sms = body.putObject("sms_channel").put("full_sms_address", smsAddress());
            if (smsConsent) { // the only consent ccsync ever sends, and only because the source says it was given
                ObjectNode consent = sms.putArray("sms_channel_consents").addObject()
                        .put("sms_consent_permission", Permission.EXPLICIT.apiValue())
                        .put("consent_type", "promotional_sms");
                putIfSet(consent, "opt_in_date", smsConsentDate);
            }
        }
        return body;
    }

    /** The body for {@code POST /contacts}. */
    public ObjectNode createBody(ApiIds ids) {
        return v3Body(ids).put("create_source", SOURCE);
    }

    /**
     * The body for {@code PUT /contacts/{id}}, merged with the contact the API returned (fetched with
     * {@code include=custom_fields,list_memberships,phone_numbers,street_addresses,taggings,sms_channel}) so that nothing held only in
     * Constant Contact is lost: PUT nulls the core fields it is not given, and replaces the sub-resources it is.
     */
    public ObjectNode updateBody(ObjectNode existing, ApiIds ids) {
        return ContactMerge.merge(v3Body(ids), existing).put("update_source", SOURCE);
    }

    /**
     * Whether this contact can go through {@code contacts_json_import} without losing anything: the flat record has
     * one phone and one address, cannot unsubscribe anyone, and carries no phone or address kind (Constant Contact
     * picks its own). Tags are not in the record: the delivery tags imported contacts afterwards
     * ({@code contacts_taggings_add}). Contacts that do not fit go one by one through POST/PUT.
     */
    public boolean fitsBulkImport() {
        return !optedOut() && phones.size() <= 1 && addresses.size() <= 1;
    }

    /** The flat {@code import_data} record of {@code contacts_json_import}; only the fields that are set. */
    public ObjectNode bulkRecord() {
        ObjectNode record = NODES.objectNode();
        record.put("email", email);
        putIfSet(record, "first_name", firstName);
        putIfSet(record, "last_name", lastName);
        putIfSet(record, "job_title", jobTitle);
        putIfSet(record, "company_name", companyName);
        if (!phones.isEmpty()) {
            record.put("phone", phones.get(0).number());
        }
        if (!addresses.isEmpty()) {
            Address a = addresses.get(0);
            putIfSet(record, "street", a.street());
            putIfSet(record, "city", a.city());
            putIfSet(record, "state", a.state());
            putIfSet(record, "zip", a.postalCode());
            putIfSet(record, "country", a.country());
        }
        if (birthdayMonth != null) {
            record.put("birthday_month", birthdayMonth);
        }
        if (birthdayDay != null) {
            record.put("birthday_day", birthdayDay);
        }
        putIfSet(record, "anniversary", anniversary);
        customFields.forEach((name, value) -> record.put("cf:" + name, value));
        if (smsNumber != null) {
            record.put("sms_number", smsAddress());
            if (smsConsent) { // never "not_set": that could lower a consent Constant Contact holds
                record.put("sms_permission_to_send", Permission.EXPLICIT.apiValue());
                putIfSet(record, "sms_consent_date", smsConsentDate);
            }
        }
        return record;
    }

    /**
     * The size in bytes of {@link #bulkRecord()} serialized compactly as UTF-8. A payload is
     * {@code {"import_data":[r1,r2,…],"list_ids":[…]}}: the sum of these sizes, one comma between records and the
     * envelope; keep it under 4,000,000 bytes because Constant Contact silently drops what lies beyond 4 MB.
     */
    public int bulkRecordJsonSize() {
        try {
            return JSON.writeValueAsString(bulkRecord()).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Contact c && Objects.equals(email, c.email) && permission == c.permission
                && Objects.equals(firstName, c.firstName) && Objects.equals(lastName, c.lastName)
                && Objects.equals(jobTitle, c.jobTitle) && Objects.equals(companyName, c.companyName)
                && Objects.equals(birthdayMonth, c.birthdayMonth) && Objects.equals(birthdayDay, c.birthdayDay)
                && Objects.equals(anniversary, c.anniversary) && phones.equals(c.phones)
                && addresses.equals(c.addresses) && customFields.equals(c.customFields)
                && listNames.equals(c.listNames) && tagNames.equals(c.tagNames)
                && Objects.equals(smsNumber, c.smsNumber) && smsConsent == c.smsConsent
                && Objects.equals(smsConsentDate, c.smsConsentDate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(email, permission, firstName, lastName, jobTitle, companyName, birthdayMonth, birthdayDay,
                anniversary, phones, addresses, customFields, listNames, tagNames, smsNumber, smsConsent, smsConsentDate);
    }

    @Override
    public String toString() {
        return "Contact[" + email + (optedOut() ? ", unsubscribed" : "") + ", lists=" + listNames
                + (tagNames.isEmpty() ? "" : ", tags=" + tagNames) + (smsConsent ? ", sms consent" : "") + "]";
    }

    /** Builds a {@link Contact}; null and unset are the same ("not sent"). */
    public static final class Builder {
        private final String email;
        private Permission permission;
        private String firstName;
        private String lastName;
        private String jobTitle;
        private String companyName;
        private Integer birthdayMonth;
        private Integer birthdayDay;
        private String anniversary;
        private final List<Phone> phones = new ArrayList<>();
        private final List<Address> addresses = new ArrayList<>();
        private final Map<String, String> customFields = new LinkedHashMap<>();
        private final LinkedHashSet<String> listNames = new LinkedHashSet<>();
        private final LinkedHashSet<String> tagNames = new LinkedHashSet<>();
        private String smsNumber;
        private boolean smsConsent;
        private String smsConsentDate;

        private Builder(String email) {
            this.email = email;
        }

        /** Marks the contact opted out; there is deliberately no way to set any other permission. */
        public Builder unsubscribed() {
            permission = Permission.UNSUBSCRIBED;
            return this;
        }

        public Builder firstName(String value) {
            firstName = value;
            return this;
        }

        public Builder lastName(String value) {
            lastName = value;
            return this;
        }

        public Builder jobTitle(String value) {
            jobTitle = value;
            return this;
        }

        public Builder companyName(String value) {
            companyName = value;
            return this;
        }

        public Builder birthday(Integer month, Integer day) {
            birthdayMonth = month;
            birthdayDay = day;
            return this;
        }

        public Builder anniversary(String value) {
            anniversary = value;
            return this;
        }

        public Builder phone(PhoneKind kind, String number) {
            phones.add(new Phone(kind, number));
            return this;
        }

        public Builder address(Address address) {
            addresses.add(address);
            return this;
        }

        public Builder customField(String name, String value) {
            customFields.put(name, value);
            return this;
        }

        /** Adds a list; adding a name twice keeps one. */
        public Builder list(String name) {
            listNames.add(name);
            return this;
        }

        /** Adds a tag; adding a name twice keeps one. */
        public Builder tag(String name) {
            tagNames.add(name);
            return this;
        }

        public Builder smsNumber(String value) {
            smsNumber = value;
            return this;
        }

        /**
         * The source says the person gave SMS consent, on {@code date} (YYYY-MM-DD, or null when it does not say).
         * There is deliberately no way to set any other SMS permission.
         */
        public Builder smsConsentGiven(String date) {
            smsConsent = true;
            smsConsentDate = date;
            return this;
        }

        public Contact build() {
            return new Contact(this);
        }
    }
}
