package io.ccsync.lifecycle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The opt-outs ccsync has read back, in its own database ({@code lifecycle_optout}, {@code lifecycle_watermark}; see
 * db/migration's V1): remembered once each (the key is the email and the opt-out's time, so the poll's overlap, a poll
 * run again after a failure, or another cluster node finding the same opt-out adds nothing), and the outbox of what is
 * still to be written to a file or applied to the CRM. Times are stored as UTC.
 */
public final class OptOuts {
    /** The opt-out poll's row in lifecycle_watermark. */
    static final String WATERMARK = "optouts";

    private final Supplier<DataSource> db;

    public OptOuts(Supplier<DataSource> db) {
        this.db = db;
    }

    /** Where the poll stands, or empty before its first poll. */
    public Optional<Instant> watermark() throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT optout_after FROM lifecycle_watermark WHERE name = ?")) {
            st.setString(1, WATERMARK);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(instant(rs.getTimestamp(1))) : Optional.empty();
            }
        }
    }

    /** Moves the watermark forward (never back: a slower poll cannot undo a later one). */
    public void advance(Instant to, Instant now) throws SQLException {
        try (Connection c = db.get().getConnection()) {
            try (PreparedStatement up = c.prepareStatement("UPDATE lifecycle_watermark SET optout_after = ?, "
                    + "advanced_at = ? WHERE name = ? AND optout_after < ?")) {
                up.setTimestamp(1, timestamp(to));
                up.setTimestamp(2, timestamp(now));
                up.setString(3, WATERMARK);
                up.setTimestamp(4, timestamp(to));
                if (up.executeUpdate() > 0 || watermark().isPresent()) {
                    return;
                }
            }
            try (PreparedStatement in = c.prepareStatement(
                    "INSERT INTO lifecycle_watermark (name, optout_after, advanced_at) VALUES (?, ?, ?)")) {
                in.setString(1, WATERMARK);
                in.setTimestamp(2, timestamp(to));
                in.setTimestamp(3, timestamp(now));
                in.executeUpdate();
            }
        }
    }

    /** Remembers the opt-outs not seen before; returns how many were new. */
    public int remember(List<OptOut> found, Instant now) throws SQLException {
        int added = 0;
        try (Connection c = db.get().getConnection();
                PreparedStatement seen = c.prepareStatement(
                        "SELECT 1 FROM lifecycle_optout WHERE email = ? AND opted_out_at = ?");
                PreparedStatement in = c.prepareStatement("INSERT INTO lifecycle_optout (email, opted_out_at, "
                        + "opt_out_source, reason, found_at) VALUES (?, ?, ?, ?, ?)")) {
            for (OptOut o : found) {
                seen.setString(1, o.email());
                seen.setTimestamp(2, timestamp(o.optedOutAt()));
                try (ResultSet rs = seen.executeQuery()) {
                    if (rs.next()) {
                        continue;
                    }
                }
                in.setString(1, o.email());
                in.setTimestamp(2, timestamp(o.optedOutAt()));
                in.setString(3, o.source());
                in.setString(4, o.reason());
                in.setTimestamp(5, timestamp(now));
                try {
                    in.executeUpdate();
                    added++;
                } catch (SQLException e) {
                    if (!duplicate(e)) {
                        throw e;
                    }
                }
            }
        }
        return added;
    }

    /** Whether any opt-out was ever remembered: one cheap query, so a chunk costs no more when there is none. */
    public boolean any() throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT 1 FROM lifecycle_optout FETCH FIRST 1 ROWS ONLY"); ResultSet rs = st.executeQuery()) {
            return rs.next();
        }
    }

    /** Of these emails, the ones that opted out in Constant Contact (lower-cased). */
    public Set<String> remembered(Collection<String> emails) throws SQLException {
        Set<String> out = new HashSet<>();
        if (emails.isEmpty()) {
            return out;
        }
        List<String> keys = emails.stream().filter(e -> e != null).map(e -> e.trim().toLowerCase(Locale.ROOT))
                .distinct().toList();
        try (Connection c = db.get().getConnection()) {
            for (int from = 0; from < keys.size(); from += 500) {
                List<String> part = keys.subList(from, Math.min(keys.size(), from + 500));
                String marks = String.join(",", java.util.Collections.nCopies(part.size(), "?"));
                try (PreparedStatement st = c.prepareStatement(
                        "SELECT DISTINCT email FROM lifecycle_optout WHERE email IN (" + marks + ")")) {
                    for (int i = 0; i < part.size(); i++) {
                        st.setString(i + 1, part.get(i));
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Gives every opt-out not yet in a file this file name; returns how many. */
    public int assignFile(String fileName) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE lifecycle_optout SET file_name = ? WHERE file_name IS NULL")) {
            st.setString(1, fileName);
            return st.executeUpdate();
        }
    }

    /** The files assigned but not known to be written (a crash between the two is written again, same name). */
    public List<String> unwrittenFiles() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT DISTINCT file_name FROM lifecycle_optout WHERE file_name IS NOT NULL "
                        + "AND file_written_at IS NULL ORDER BY file_name");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public List<OptOut> inFile(String fileName) throws SQLException {
        return select("SELECT email, opted_out_at, opt_out_source, reason FROM lifecycle_optout WHERE file_name = ? "
                + "ORDER BY opted_out_at, email", fileName, Integer.MAX_VALUE);
    }

    public void fileWritten(String fileName, Instant now) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE lifecycle_optout SET file_written_at = ? WHERE file_name = ?")) {
            st.setTimestamp(1, timestamp(now));
            st.setString(2, fileName);
            st.executeUpdate();
        }
    }

    /** Opt-outs not yet applied to the CRM, oldest first, at most {@code limit}. */
    public List<OptOut> pendingForCrm(int limit) throws SQLException {
        return select("SELECT email, opted_out_at, opt_out_source, reason FROM lifecycle_optout "
                + "WHERE crm_applied_at IS NULL ORDER BY opted_out_at, email", null, limit);
    }

    public void appliedToCrm(List<OptOut> applied, Instant now) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE lifecycle_optout SET crm_applied_at = ? WHERE email = ? AND opted_out_at = ?")) {
            for (OptOut o : applied) {
                st.setTimestamp(1, timestamp(now));
                st.setString(2, o.email());
                st.setTimestamp(3, timestamp(o.optedOutAt()));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private List<OptOut> select(String sql, String parameter, int limit) throws SQLException {
        List<OptOut> out = new ArrayList<>();
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            if (parameter != null) {
                st.setString(1, parameter);
            }
            st.setMaxRows(limit == Integer.MAX_VALUE ? 0 : limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new OptOut(rs.getString(1), instant(rs.getTimestamp(2)), rs.getString(3),
                            rs.getString(4)));
                }
            }
        }
        return out;
    }

    private static boolean duplicate(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.valueOf(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
    }

    static Instant instant(Timestamp at) {
        return at.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }
}
