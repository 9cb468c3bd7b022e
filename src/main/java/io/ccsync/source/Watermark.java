package io.ccsync.source;

import java.time.LocalDateTime;

/**
 * How far a CRM poll has got: the last delivered row's {@code updated_at} and its id, which breaks ties between rows
 * changed in the same instant. The next poll asks for rows after this point.
 */
public record Watermark(LocalDateTime updatedAt, String id) {
    /** Before every row. */
    public static final Watermark START = new Watermark(LocalDateTime.of(1900, 1, 1, 0, 0), "0");

    /** The id as the query binds it: a number when it is one, so that {@code id > :#lastId} compares numbers. */
    public Object idParameter() {
        return id.matches("-?\\d{1,18}") ? (Object) Long.valueOf(id) : id;
    }
}
