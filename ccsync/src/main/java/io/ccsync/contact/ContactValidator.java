package io.ccsync.contact;

import io.ccsync.contact.Rejection.Rule;
import java.time.Month;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a contact against the V3 API's limits before any call, so a bad record is reported with its field and
 * rule instead of costing a request (or, in a bulk import, failing silently). Never truncates: too long is rejected.
 */
public final class ContactValidator {
    /**
     * Practical, not full RFC 5322: an ASCII local part without spaces, @, dot-separated host labels and a
     * top-level domain of two or more characters starting with a letter.
     */
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
            + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]");

    static final int EMAIL_MAX = 80;
    static final int NAME_MAX = 50;
    static final int PHONES_MAX = 3;
    static final int PHONE_NUMBER_MAX = 25;
    static final int ADDRESSES_MAX = 3;
    static final int STREET_MAX = 255;
    static final int ADDRESS_PART_MAX = 50;
    static final int CUSTOM_FIELDS_MAX = 25;
    static final int CUSTOM_FIELD_VALUE_MAX = 255;
    static final int ANNIVERSARY_MAX = 10;
    static final int LISTS_MAX = 50;
    static final int TAGS_MAX = 50;

    /** Every rule the contact breaks; empty when it can be sent. */
    public List<Rejection> validate(Contact contact) {
        List<Rejection> out = new ArrayList<>();
        email(contact.email(), out);
        maxLength("first_name", contact.firstName(), NAME_MAX, out);
        maxLength("last_name", contact.lastName(), NAME_MAX, out);
        maxLength("job_title", contact.jobTitle(), NAME_MAX, out);
        maxLength("company_name", contact.companyName(), NAME_MAX, out);
        birthday(contact.birthdayMonth(), contact.birthdayDay(), out);
        anniversary(contact.anniversary(), out);
        phones(contact.phones(), out);
        addresses(contact.addresses(), out);
        customFields(contact.customFields(), out);
        lists(contact.listNames(), out);
        if (contact.tagNames().size() > TAGS_MAX) {
            out.add(new Rejection("taggings", Rule.MAX_COUNT, contact.tagNames().size() + " tags, at most " + TAGS_MAX
                    + " per contact allowed (fixed tags and the tag column together)"));
        }
        sms(contact, out);
        return out;
    }

    private static void email(String email, List<Rejection> out) {
        String field = "email_address.address";
        if (email == null || email.isBlank()) {
            out.add(new Rejection(field, Rule.REQUIRED, "the email address is missing"));
        } else if (!maxLength(field, email, EMAIL_MAX, out) && !EMAIL.matcher(email).matches()) {
            out.add(new Rejection(field, Rule.FORMAT, "'" + email + "' is not an email address (local@domain.tld)"));
        }
    }

    private static void birthday(Integer month, Integer day, List<Rejection> out) {
        if (month == null && day == null) {
            return;
        }
        if (month == null || day == null) {
            String missing = month == null ? "birthday_month" : "birthday_day";
            out.add(new Rejection(missing, Rule.BOTH_OR_NEITHER, "birthday month and day must both be set or neither"));
            return;
        }
        if (month < 1 || month > 12) {
            out.add(new Rejection("birthday_month", Rule.RANGE, "birthday month " + month + " is not 1 to 12"));
            return;
        }
        int lastDay = Month.of(month).maxLength(); // 29 for February: the year is unknown
        if (day < 1 || day > lastDay) {
            out.add(new Rejection("birthday_day", Rule.RANGE,
                    "birthday day " + day + " is not 1 to " + lastDay + " for month " + month));
        }
    }

    private static void anniversary(String anniversary, List<Rejection> out) {
        if (anniversary != null && !maxLength("anniversary", anniversary, ANNIVERSARY_MAX, out)
                && Anniversary.parse(anniversary).isEmpty()) {
            out.add(new Rejection("anniversary", Rule.FORMAT,
                    "'" + anniversary + "' is not a date in " + Anniversary.ACCEPTED));
        }
    }

    private static void phones(List<Phone> phones, List<Rejection> out) {
        maxCount("phone_numbers", phones.size(), PHONES_MAX, out);
        for (int i = 0; i < phones.size(); i++) {
            maxLength("phone_numbers[" + i + "].phone_number", phones.get(i).number(), PHONE_NUMBER_MAX, out);
        }
    }

    private static void addresses(List<Address> addresses, List<Rejection> out) {
        maxCount("street_addresses", addresses.size(), ADDRESSES_MAX, out);
        for (int i = 0; i < addresses.size(); i++) {
            Address a = addresses.get(i);
            String prefix = "street_addresses[" + i + "].";
            maxLength(prefix + "street", a.street(), STREET_MAX, out);
            maxLength(prefix + "city", a.city(), ADDRESS_PART_MAX, out);
            maxLength(prefix + "state", a.state(), ADDRESS_PART_MAX, out);
            maxLength(prefix + "postal_code", a.postalCode(), ADDRESS_PART_MAX, out);
            maxLength(prefix + "country", a.country(), ADDRESS_PART_MAX, out);
        }
    }

    private static void customFields(Map<String, String> fields, List<Rejection> out) {
        maxCount("custom_fields", fields.size(), CUSTOM_FIELDS_MAX, out);
        fields.forEach((name, value) -> maxLength("custom_fields." + name, value, CUSTOM_FIELD_VALUE_MAX, out));
    }

    private static void lists(List<String> lists, List<Rejection> out) {
        if (lists.isEmpty()) {
            out.add(new Rejection("list_memberships", Rule.REQUIRED, "the contact is on no list and could not be "
                    + "mailed: set lists.default in the mapping or fill the list column"));
        }
        maxCount("list_memberships", lists.size(), LISTS_MAX, out);
    }

    private static void sms(Contact contact, List<Rejection> out) {
        String field = "sms_channel.full_sms_address";
        if (contact.smsNumber() == null) {
            if (contact.smsConsent()) {
                out.add(new Rejection(field, Rule.REQUIRED, "the record gives SMS consent but no SMS number"));
            }
        } else if (contact.smsAddress() == null) {
            out.add(new Rejection(field, Rule.FORMAT, "'" + contact.smsNumber() + "' is not an SMS number: 7 to 15 "
                    + "digits with an optional leading + (spaces, dots, dashes and parentheses are ignored)"));
        }
    }

    /** True when it added a rejection. Counts UTF-16 chars: never fewer than the API may count. */
    private static boolean maxLength(String field, String value, int max, List<Rejection> out) {
        if (value == null) {
            return false;
        }
        int length = value.length();
        if (length <= max) {
            return false;
        }
        out.add(new Rejection(field, Rule.MAX_LENGTH, length + " characters, at most " + max + " allowed"));
        return true;
    }

    private static void maxCount(String field, int count, int max, List<Rejection> out) {
        if (count > max) {
            out.add(new Rejection(field, Rule.MAX_COUNT, count + " entries, at most " + max + " allowed"));
        }
    }
}
