package io.ccsync.source;

import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.Printable;
import io.ccsync.contract.Progress;
import io.ccsync.contract.SourceRecord;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The rows of one CRM poll as SourceRecords (column name to text; SQL NULL absent), and the watermark the chunk
 * reaches once delivered. Column names are kept as the driver gives them (H2: upper case); the mapping matches them
 * case-insensitively.
 */
public final class CrmRows {
    /** Exchange property: true when the query returned a full chunk, so more rows may be waiting. */
    public static final String MORE = "CcsyncMoreRows";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final int chunkSize;
    private final Duration progressInterval;
    private final RecentRows recent;

    /** {@code progressInterval}: how often a long poll logs a progress line ({@code ccsync.progress.interval}). */
    CrmRows(int chunkSize, Duration progressInterval, RecentRows recent) {
        this.chunkSize = chunkSize;
        this.progressInterval = progressInterval;
        this.recent = recent;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /**
     * The chunk's rows as records, less those this poll delivered already as they are now (the overlap read again,
     * rows with a NULL {@code updated_at}: {@link RecentRows}). Where the next round of the poll goes on from
     * ({@link Watermarks#POSITION}: the last row read) and the watermark once the chunk is delivered
     * ({@link Watermarks#CANDIDATE}: the last row with a time) go along as exchange properties.
     */
    public List<SourceRecord> records(Exchange exchange, List<Map<String, Object>> rows, String name, String idColumn,
            String updatedAtColumn) {
        List<SourceRecord> records = new ArrayList<>(rows.size());
        List<RecentRows.Row> sent = new ArrayList<>(rows.size());
        Watermark position = null;
        Watermark newest = null;
        for (Map<String, Object> row : rows) {
            String idKey = key(row, idColumn);
            String updatedAtKey = key(row, updatedAtColumn);
            if (idKey == null || updatedAtKey == null) {
                throw new IllegalStateException("the CRM query for '" + name + "' must return the columns "
                        + idColumn + " and " + updatedAtColumn + " (the watermark); it returned " + row.keySet());
            }
            String id = text(row.get(idKey));
            if (id == null) {
                throw new IllegalStateException("the CRM query for '" + name + "' returned a row whose " + idColumn
                        + " is NULL; the id must identify each row (a primary key)");
            }
            Object updatedAt = row.get(updatedAtKey);
            LocalDateTime at = updatedAt == null ? null : localDateTime(updatedAt);
            Map<String, String> fields = new LinkedHashMap<>();
            row.forEach((column, value) -> {
                String text = text(value);
                if (text != null) {
                    fields.put(column, text);
                }
            });
            position = new Watermark(at == null ? Watermark.NULL_SORTS_AT : at, id);
            if (at != null) {
                newest = position;
            }
            long hash = RecentRows.hash(fields);
            if (!recent.delivered(name, id, hash)) {
                records.add(new SourceRecord(name, "id " + id, fields));
                sent.add(new RecentRows.Row(id, at, hash));
            }
        }
        if (position != null) {
            exchange.setProperty(Watermarks.POSITION, position);
        }
        if (newest != null) { // an empty last round keeps the poll's candidate (its rows may wait for confirmation)
            exchange.setProperty(Watermarks.CANDIDATE, newest);
        }
        exchange.setProperty(Watermarks.SENT, sent);
        exchange.setProperty(MORE, rows.size() >= chunkSize);
        progress(exchange, name).advance(rows.size());
        return records;
    }

    /** The poll's progress (rows read; the total is not known), one per poll across its rounds of chunks. */
    private Progress progress(Exchange exchange, String name) {
        Progress progress = exchange.getProperty(InboxFiles.PROGRESS, Progress.class);
        if (progress == null) {
            progress = Progress.of("CRM poll " + name, -1, progressInterval);
            exchange.setProperty(InboxFiles.PROGRESS, progress);
        }
        return progress;
    }

    /** The chunk's rejected rows for the poll's log line, escaped ({@link Printable}): the reasons quote values. */
    public String rejected(DeliveryReport report) {
        return Printable.of(report.rejected());
    }

    /** The row's key for {@code column} as the driver spells it (H2: upper case), or null when it has none. */
    private static String key(Map<String, Object> row, String column) {
        if (row.containsKey(column)) {
            return column;
        }
        for (String key : row.keySet()) {
            if (key.equalsIgnoreCase(column)) {
                return key;
            }
        }
        return null;
    }

    static String text(Object value) {
        if (value == null || value instanceof byte[]) {
            return null;
        }
        if (value instanceof LocalDateTime t) { // as java.sql.Timestamp printed it, so field texts stay the same
            String text = t.toLocalDate() + " " + TIME.format(t);
            return t.getNano() == 0 ? text + ".0" : text + "." + String.format("%09d", t.getNano()).replaceAll("0+$", "");
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof java.sql.Clob clob) {
            try {
                return clob.getSubString(1, (int) Math.min(clob.length(), Integer.MAX_VALUE));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return value.toString();
    }

    /** The watermark column's value; {@link CrmRowMapper} gives LocalDateTime for timestamps of either kind. */
    private static LocalDateTime localDateTime(Object value) {
        if (value instanceof LocalDateTime l) {
            return l;
        }
        if (value instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) { // a DATE column: the day as written
            return d.toLocalDate().atStartOfDay();
        }
        if (value instanceof Timestamp t) { // a query through another row mapper: the JVM's zone, as best we can
            return t.toLocalDateTime();
        }
        throw new IllegalStateException("the watermark column must be a timestamp, not " + value.getClass().getName());
    }
}
