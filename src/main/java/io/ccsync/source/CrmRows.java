package io.ccsync.source;

import java.math.BigDecimal;
import io.ccsync.delivery.DeliveryReport;
import io.ccsync.ops.Progress;
import io.ccsync.text.Printable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    private final int chunkSize;
    private final Duration progressInterval;

    /** {@code progressInterval}: how often a long poll logs a progress line ({@code ccsync.progress.interval}). */
    public CrmRows(int chunkSize, Duration progressInterval) {
        this.chunkSize = chunkSize;
        this.progressInterval = progressInterval;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public List<SourceRecord> records(Exchange exchange, List<Map<String, Object>> rows, String name, String idColumn,
            String updatedAtColumn) {
        List<SourceRecord> records = new ArrayList<>(rows.size());
        Watermark last = null;
        for (Map<String, Object> row : rows) {
            Object id = column(row, idColumn);
            Object updatedAt = column(row, updatedAtColumn);
            if (id == null || updatedAt == null) {
                throw new IllegalStateException("the CRM query for '" + name + "' must return the columns "
                        + idColumn + " and " + updatedAtColumn + " (the watermark); it returned " + row.keySet());
            }
            Map<String, String> fields = new LinkedHashMap<>();
            row.forEach((column, value) -> {
                String text = text(value);
                if (text != null) {
                    fields.put(column, text);
                }
            });
            records.add(new SourceRecord(name, "id " + text(id), fields));
            last = new Watermark(localDateTime(updatedAt), text(id));
        }
        exchange.setProperty(Watermarks.CANDIDATE, last);
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

    private static Object column(Map<String, Object> row, String name) {
        Object exact = row.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    static String text(Object value) {
        if (value == null || value instanceof byte[]) {
            return null;
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

    private static LocalDateTime localDateTime(Object value) {
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof LocalDateTime l) {
            return l;
        }
        if (value instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (value instanceof java.util.Date d) {
            return new Timestamp(d.getTime()).toLocalDateTime();
        }
        throw new IllegalStateException("the watermark column must be a timestamp, not " + value.getClass().getName());
    }
}
