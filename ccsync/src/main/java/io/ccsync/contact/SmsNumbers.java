package io.ccsync.contact;

import java.util.regex.Pattern;

/**
 * SMS numbers as ccsync sends them: the digits (7 to 15, the E.164 range) with an optional leading {@code +}, after
 * dropping the spaces, dots, dashes and parentheses people write. Anything else (letters, an extension, too short or
 * too long) is not a number a text message can reach, and rejects the record.
 */
final class SmsNumbers {
    private static final Pattern SEPARATORS = Pattern.compile("[\\s.()\\-]");
    private static final Pattern NUMBER = Pattern.compile("\\+?[0-9]{7,15}");

    private SmsNumbers() {
    }

    /** The number to send, or null when {@code raw} is null or not a usable number. */
    static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String compact = SEPARATORS.matcher(raw.strip()).replaceAll("");
        return NUMBER.matcher(compact).matches() ? compact : null;
    }
}
