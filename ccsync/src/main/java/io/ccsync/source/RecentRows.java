package io.ccsync.source;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRM rows each poll delivered lately, in this process: id and a hash of the row's content. Every poll reads an
 * overlap window again before its watermark ({@code ccsync.crm.overlap}) to catch rows committed late with an earlier
 * {@code updated_at}; the rows of that window already delivered as they are now are dropped here, so the overlap costs
 * a read and no delivery. Rows with a NULL {@code updated_at} are read at every poll and dropped here the same way
 * until their content changes. Kept to {@link #LIMIT} rows per poll: past it, or after a restart or on another
 * cluster node, such rows are delivered again, where the delta filter finds them unchanged (no API call).
 */
final class RecentRows {
    /** Rows remembered per poll, at most. */
    static final int LIMIT = 50_000;

    /** A delivered row: its id, its {@code updated_at} (null for NULL) and its content's hash. */
    record Row(String id, LocalDateTime updatedAt, long hash) {
    }

    private final Map<String, Map<String, Row>> byPoll = new ConcurrentHashMap<>();

    /** Whether the poll {@code name} delivered row {@code id} with exactly this content already. */
    boolean delivered(String name, String id, long hash) {
        Row row = byPoll.getOrDefault(name, Map.of()).get(id);
        return row != null && row.hash() == hash;
    }

    /**
     * Remembers delivered rows and forgets those older than {@code horizon} (they are before the overlap window now,
     * never read again). Rows with a NULL {@code updated_at} are read at every poll, so they are kept.
     */
    void remember(String name, List<Row> rows, LocalDateTime horizon) {
        Map<String, Row> recent = byPoll.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        for (Row row : rows) {
            if (recent.size() < LIMIT || recent.containsKey(row.id())) {
                recent.put(row.id(), row);
            }
        }
        recent.values().removeIf(r -> r.updatedAt() != null && r.updatedAt().isBefore(horizon));
    }

    /** A 64-bit hash of a row's columns (FNV-1a over names and values), so a changed row is never taken as seen. */
    static long hash(Map<String, String> fields) {
        long h = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            h = mix(mix(mix(h, e.getKey()), "\u0000"), e.getValue());
            h = mix(h, "\u0001");
        }
        return h;
    }

    private static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
