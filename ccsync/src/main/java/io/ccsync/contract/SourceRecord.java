package io.ccsync.contract;

import java.util.Map;

/**
 * One input record as a source read it, before mapping: field name to text value, and where it came from so that a
 * rejection can name it ("contacts.csv line 17", "crm id 4711").
 *
 * @param source   which input: a file name, or "crm"
 * @param position "line N" in a file, N as a person sees it in an editor or spreadsheet (a CSV header is line 1, so
 *                 the first record is line 2; a record spanning lines is named by its first), or "id K" for a table row
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
