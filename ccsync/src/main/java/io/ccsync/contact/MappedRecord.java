package io.ccsync.contact;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One source record after mapping and validation: either a contact ready to send with its fingerprint, or the
 * reasons it cannot be sent. Keeps the source record, so a rejection report or dead letter can show and replay it.
 */
public record MappedRecord(Map<String, String> source, Contact contact, ContactFingerprint fingerprint,
        List<Rejection> rejections) {

    public MappedRecord {
        source = source == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(source));
        rejections = List.copyOf(rejections);
        if (rejections.isEmpty() == (contact == null)) {
            throw new IllegalArgumentException("a mapped record has a contact or rejections, not both");
        }
    }

    static MappedRecord ok(Map<String, String> source, Contact contact) {
        return new MappedRecord(source, contact, ContactFingerprint.of(contact), List.of());
    }

    static MappedRecord rejected(Map<String, String> source, List<Rejection> rejections) {
        return new MappedRecord(source, null, null, rejections);
    }

    /**
     * True when the contact can be sent; {@link #contact()} and {@link #fingerprint()} are then set. In a route:
     * {@code ${body.ok()}}.
     */
    public boolean ok() {
        return contact != null;
    }
}
