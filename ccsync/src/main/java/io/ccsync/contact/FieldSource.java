package io.ccsync.contact;

import java.util.Locale;
import java.util.Map;

/**
 * Where one contact value comes from: a source column or a fixed value, with the simple transforms a mapping can
 * ask for. Blank means "not sent".
 */
record FieldSource(String column, String fixed, boolean trim, boolean lower, boolean upper) {

    static FieldSource column(String column, boolean lower) {
        return new FieldSource(column, null, true, lower, false);
    }

    /** The value from the row (whose keys are matched case-insensitively by the caller), or null when blank. */
    String read(Map<String, String> row) {
        String value = column == null ? fixed : row.get(column);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (trim) {
            value = value.strip();
        }
        if (lower) {
            value = value.toLowerCase(Locale.ROOT);
        }
        if (upper) {
            value = value.toUpperCase(Locale.ROOT);
        }
        return value;
    }

    /** How a message names this source: the column, or "the fixed value". */
    String describe() {
        return column == null ? "the fixed value" : "column '" + column + "'";
    }
}
