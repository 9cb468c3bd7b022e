package io.ccsync.contact;

/**
 * Why a record cannot be sent: the contact field (as the V3 API names it, e.g. {@code first_name},
 * {@code phone_numbers[1].phone_number}, {@code custom_fields.favourite_colour}), the rule it broke and a sentence
 * for the person who must fix the source data.
 */
public record Rejection(String field, Rule rule, String message) {

    /** The rules a record can break. */
    public enum Rule {
        /** A value the API requires is missing (the email address, a list). */
        REQUIRED,
        /** The value has the wrong shape (email syntax, anniversary date format, SMS number). */
        FORMAT,
        /** Longer than the API accepts; ccsync never truncates. */
        MAX_LENGTH,
        /** More entries than the API accepts (phones, addresses, custom fields, lists, tags). */
        MAX_COUNT,
        /** A number outside its range (birthday month or day). */
        RANGE,
        /** Two values that must come together (birthday month and day). */
        BOTH_OR_NEITHER,
        /** A source value that does not match the date format set in the mapping. */
        UNPARSEABLE_DATE
    }

    @Override
    public String toString() {
        return field + " (" + rule + "): " + message;
    }
}
