package io.ccsync.source;

import java.util.Map;

/**
 * One input record as a source read it, before mapping: field name to text value, and where it came from so that a
 * rejection can name it ("contacts.csv line 17", "crm id 4711").
 *
 * @param source   which input: a file name, or "crm"
 * @param position the line number in a file (1 = first data line after the header), or the row's key in a table
 * @param fields   column or JSON field name to value; values are never null (missing is absent)
 */
public record SourceRecord(String source, String position, Map<String, String> fields) {
    public SourceRecord {
        fields = Map.copyOf(fields);
    }

    /** "contacts.csv line 17" style, for reports and logs. */
    public String origin() {
        return source + " " + position;
    }
}
