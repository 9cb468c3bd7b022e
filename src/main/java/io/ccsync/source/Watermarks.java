package io.ccsync.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.Exchange;

/**
 * The CRM polls' watermarks, one per poll name, in ccsync's own database (table {@code source_watermark}). The route
 * {@link #load}s it before the query and {@link #advance}s it only after {@code direct:contacts} returned for the
 * rows, so a crash in between re-sends those rows instead of skipping them.
 */
public final class Watermarks {
    /** Exchange property: the last row of the chunk being delivered, stashed by {@link CrmRows}. */
    static final String CANDIDATE = "CcsyncWatermarkCandidate";

    private final Supplier<DataSource> db;

    public Watermarks(Supplier<DataSource> db) {
        this.db = db;
    }

    /** The query's named parameters {@code lastUpdatedAt} and {@code lastId}, as the body camel-sql reads them from. */
    public Map<String, Object> load(String name) throws SQLException {
        Watermark w = read(name);
        return Map.of("lastUpdatedAt", w.updatedAt(), "lastId", w.idParameter());
    }

    /** Moves the watermark to the chunk's last row; the body (delivery's report) passes through. */
    public void advance(Exchange exchange, String name) throws SQLException {
        Watermark next = exchange.getProperty(CANDIDATE, Watermark.class);
        if (next != null) {
            write(name, next);
        }
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
