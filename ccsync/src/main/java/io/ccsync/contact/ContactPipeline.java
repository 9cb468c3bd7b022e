package io.ccsync.contact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The per-record entry point for the routes: map a source record with the mapping, then validate it. */
public final class ContactPipeline {
    private final ContactMapping mapping;
    private final ContactValidator validator = new ContactValidator();

    public ContactPipeline(ContactMapping mapping) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
    }

    public ContactMapping mapping() {
        return mapping;
    }

    /** Never throws for bad data and never drops a record: the answer is a contact or every reason it is not. */
    public MappedRecord map(Map<String, String> record) {
        ContactMapping.Result mapped = mapping.map(record);
        List<Rejection> rejections = new ArrayList<>(mapped.rejections());
        rejections.addAll(validator.validate(mapped.contact()));
        return rejections.isEmpty()
                ? MappedRecord.ok(record, mapped.contact())
                : MappedRecord.rejected(record, rejections);
    }
}
