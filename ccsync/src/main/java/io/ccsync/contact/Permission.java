package io.ccsync.contact;

import java.util.Locale;

/** {@code email_address.permission_to_send} values of the V3 API; ccsync itself only ever sends {@link #UNSUBSCRIBED}. */
public enum Permission {
    EXPLICIT, IMPLICIT, NOT_SET, PENDING_CONFIRMATION, TEMP_HOLD, UNSUBSCRIBED;

    /** The value as the API writes it, e.g. {@code unsubscribed}. */
    public String apiValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
