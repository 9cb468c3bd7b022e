package io.ccsync.contact;

import java.util.Locale;

/** {@code street_addresses[].kind}: unlike phones there is no mobile. */
public enum AddressKind {
    HOME, WORK, OTHER;

    public String apiValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
