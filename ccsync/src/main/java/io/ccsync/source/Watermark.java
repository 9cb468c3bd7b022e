package io.ccsync.source;

import java.time.LocalDateTime;

/**
 * How far a CRM poll has got: the last delivered row's {@code updated_at} (a wall-clock time as written in a
 * {@code TIMESTAMP} column, or the UTC time of a {@code TIMESTAMP WITH TIME ZONE}) and its id, which breaks ties
 * between rows changed in the same instant. The next poll asks for rows after this point, less the overlap.
 */
public record Watermark(LocalDateTime updatedAt, String id) {
    /** Before every row. */
    public static final Watermark START = new Watermark(LocalDateTime.of(1900, 1, 1, 0, 0), "0");

    /** Where the default query sorts a row whose {@code updated_at} is NULL: after every real time. */
    public static final LocalDateTime NULL_SORTS_AT = LocalDateTime.of(9999, 12, 31, 0, 0);

    /** The id as the query binds it: a number when it is one, so that {@code id > :#lastId} compares numbers. */
    public Object idParameter() {
        return numeric(id) ? (Object) Long.valueOf(id) : id;
    }

    /** Whether this point comes after {@code other}, in the query's order (updated_at, then id). */
    public boolean isAfter(Watermark other) {
        int byTime = updatedAt.compareTo(other.updatedAt);
        if (byTime != 0) {
            return byTime > 0;
        }
        return numeric(id) && numeric(other.id) ? Long.parseLong(id) > Long.parseLong(other.id)
                : id.compareTo(other.id) > 0;
    }

    private static boolean numeric(String id) {
        return id.matches("-?\\d{1,18}");
    }
}
