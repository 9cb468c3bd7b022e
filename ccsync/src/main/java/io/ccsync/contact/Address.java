package io.ccsync.contact;

import java.util.Objects;

/** One of a contact's street addresses; any part but the kind may be null (not sent). */
public record Address(AddressKind kind, String street, String city, String state, String postalCode, String country) {
    public Address {
        Objects.requireNonNull(kind, "kind");
    }
}
