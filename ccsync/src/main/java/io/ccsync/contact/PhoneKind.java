package io.ccsync.contact;

import java.util.Locale;

/** {@code phone_numbers[].kind}. */
public enum PhoneKind {
    HOME, WORK, MOBILE, OTHER;

    public String apiValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
