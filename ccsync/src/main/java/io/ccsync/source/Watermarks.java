package io.ccsync.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import io.ccsync.delivery.Outbox;
import org.apache.camel.Exchange;

/**
 * The CRM polls' watermarks, one per poll name, in ccsync's own database (table {@code source_watermark}). The route
 * {@link #load}s the point to read from before each query and {@link #advance}s the watermark only after
 * {@code direct:contacts} returned for the rows, so a crash in between re-sends those rows instead of skipping them.
 *
 * <p>Each poll starts {@code ccsync.crm.overlap} before the watermark: a row committed late with an earlier
 * {@code updated_at} (a long transaction, a lagging replica) is still read if it lands within that window. The rows of
 * the window already delivered are dropped before delivery ({@link RecentRows}).
 */
public final class Watermarks {
    /** Exchange property: the last row of the chunk with a time, the watermark once delivered ({@link CrmRows}). */
    static final String CANDIDATE = "CcsyncWatermarkCandidate";
    /** Exchange property: the last row read, where the poll's next round goes on from. */
    static final String POSITION = "CcsyncPollPosition";
    /** Exchange property: the rows handed to delivery, remembered once delivered ({@link RecentRows}). */
    static final String SENT = "CcsyncPollSent";
    /** Exchange property: the stored watermark as this poll knows it. */
    private static final String STORED = "CcsyncWatermarkStored";
    /** Exchange property: the poll's query, read once to learn how to bind its times. */
    static final String QUERY = "CcsyncPollQuery";

    private final Supplier<DataSource> db;
    private final Duration overlap;
    private final RecentRows recent;
    /** Per data source and query: whether its updated-at column holds instants (timestamptz). */
    private final Map<String, Boolean> instants = new ConcurrentHashMap<>();

    Watermarks(Supplier<DataSource> db, Duration overlap, RecentRows recent) {
        if (overlap.isNegative()) {
            throw new IllegalArgumentException("ccsync.crm.overlap must not be negative (it was " + overlap + ")");
        }
        this.db = db;
        this.overlap = overlap;
        this.recent = recent;
    }

    /**
     * The query's named parameters {@code lastUpdatedAt} and {@code lastId}, as the body camel-sql reads them from:
     * the overlap before the stored watermark at a poll's first round, then the last row read. A time is bound as
     * the column holds it: a wall-clock {@link LocalDateTime} for {@code TIMESTAMP}, an instant at UTC for
     * {@code TIMESTAMP WITH TIME ZONE}, so neither the JVM's nor the session's time zone moves it.
     */
    public Map<String, Object> load(Exchange exchange, String name, String dataSource, String updatedAtColumn)
            throws SQLException {
        Watermark from = exchange.getProperty(POSITION, Watermark.class);
        if (from == null) {
            Watermark stored = read(name);
            exchange.setProperty(STORED, stored);
            from = overlap.isZero() ? stored : new Watermark(stored.updatedAt().minus(overlap), stored.id());
        }
        Object at = from.updatedAt();
        String query = exchange.getProperty(QUERY, String.class);
        if (query != null && instants(exchange, dataSource, query, updatedAtColumn)) {
            at = from.updatedAt().atOffset(ZoneOffset.UTC);
        }
        return Map.of("lastUpdatedAt", at, "lastId", from.idParameter());
    }

    /**
     * Moves the watermark to the chunk's last row with a time, never backwards (a poll re-reads the overlap), and
     * remembers the delivered rows, once every record of the poll so far has its outcome (none waits in the poll's
     * outbox for an import); the body (delivery's report) passes through.
     */
    public void advance(Exchange exchange, String name) throws SQLException {
        Outbox outbox = exchange.getProperty(Outbox.PROPERTY, Outbox.class);
        if (outbox != null && !outbox.idle()) {
            // rows of the poll wait in its outbox for an import: nothing moves until they are confirmed (the flush);
            // the rows of such rounds are not remembered as delivered, and are compared again if re-read
            return;
        }
        Watermark stored = exchange.getProperty(STORED, Watermark.class);
        Watermark next = exchange.getProperty(CANDIDATE, Watermark.class);
        if (next != null && (stored == null || next.isAfter(stored))) {
            write(name, next);
            stored = next;
            exchange.setProperty(STORED, next);
        }
        @SuppressWarnings("unchecked")
        List<RecentRows.Row> sent = exchange.getProperty(SENT, List.class);
        if (sent != null && stored != null) {
            recent.remember(name, sent, stored.updatedAt().minus(overlap));
        }
    }

    /** Asks the database once what the query's updated-at column is (its result's metadata, nothing executed). */
    private boolean instants(Exchange exchange, String dataSource, String query, String updatedAtColumn) {
        return instants.computeIfAbsent(dataSource + "\n" + query, k -> {
            DataSource crm = exchange.getContext().getRegistry().lookupByNameAndType(dataSource, DataSource.class);
            try (Connection c = crm.getConnection();
                    PreparedStatement st = c.prepareStatement(query.replaceAll(":#\\w+", "?"))) {
                ResultSetMetaData md = st.getMetaData();
                for (int i = 1; md != null && i <= md.getColumnCount(); i++) {
                    if (md.getColumnLabel(i).equalsIgnoreCase(updatedAtColumn)) {
                        return CrmRowMapper.instant(md, i);
                    }
                }
                return false;
            } catch (SQLException e) {
                return false; // the query itself will fail with the database's own words
            }
        });
    }

    public Watermark read(String name) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT last_updated_at, last_id FROM source_watermark WHERE source_name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Watermark(rs.getObject(1, LocalDateTime.class), rs.getString(2))
                        : Watermark.START;
            }
        }
    }

    public void write(String name, Watermark w) throws SQLException {
        try (Connection c = db.get().getConnection()) {
            try (PreparedStatement up = c.prepareStatement("UPDATE source_watermark SET last_updated_at = ?, "
                    + "last_id = ?, advanced_at = CURRENT_TIMESTAMP WHERE source_name = ?")) {
                up.setObject(1, w.updatedAt());
                up.setString(2, w.id());
                up.setString(3, name);
                if (up.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement in = c.prepareStatement("INSERT INTO source_watermark (source_name, "
                    + "last_updated_at, last_id, advanced_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
                in.setString(1, name);
                in.setObject(2, w.updatedAt());
                in.setString(3, w.id());
                in.executeUpdate();
            }
        }
    }
}
