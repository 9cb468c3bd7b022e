package io.ccsync.contact;

import java.util.Objects;

/** One of a contact's phone numbers. */
public record Phone(PhoneKind kind, String number) {
    public Phone {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(number, "number");
    }
}
