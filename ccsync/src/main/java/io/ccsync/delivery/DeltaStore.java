package io.ccsync.delivery;

import io.ccsync.contact.ContactFingerprint;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Delta sync in {@code delivery_fingerprint}: a contact whose fingerprint equals the one last delivered costs no API
 * call. Fingerprints are written only for contacts the API confirmed, so a failed delivery is sent again next time.
 */
public final class DeltaStore {
    private static final int IN_LIST = 500;

    private final Supplier<DataSource> db;
    private final Clock clock;

    public DeltaStore(Supplier<DataSource> db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** How a contact compares with what was last delivered for its email. */
    public enum Delta {
        /** Never delivered (confirmed) for this email. */
        NEW,
        /** Delivered before with other values. */
        CHANGED,
        /** Delivered before with exactly these values: delivery skips it. */
        UNCHANGED
    }

    /** Marks pending contacts whose fingerprint is unchanged as unchanged. */
    public Chunk skipUnchanged(Chunk chunk) throws SQLException {
        List<Item> pending = chunk.pending();
        List<Delta> deltas = compare(pending.stream().map(i -> i.mapped().fingerprint()).toList());
        for (int i = 0; i < pending.size(); i++) {
            if (deltas.get(i) == Delta.UNCHANGED) {
                pending.get(i).unchanged();
            }
        }
        return chunk;
    }

    /**
     * Each fingerprint's delta, in the given order; reads only (delivery and {@code ccsync check} decide alike).
     */
    public List<Delta> compare(List<ContactFingerprint> fingerprints) throws SQLException {
        Map<String, String> stored = lookup(fingerprints.stream().map(ContactFingerprint::email).toList());
        return fingerprints.stream().map(fp -> {
            String last = stored.get(fp.email());
            return last == null ? Delta.NEW : last.equals(fp.hash()) ? Delta.UNCHANGED : Delta.CHANGED;
        }).toList();
    }

    /**
     * Whether this database has the fingerprint table at all: not before ccsync's first start on it created it
     * (a PostgreSQL database made ready for ccsync, say). Reads only.
     */
    public boolean exists() throws SQLException {
        try (Connection c = db.get().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            String table = meta.storesUpperCaseIdentifiers() ? "DELIVERY_FINGERPRINT" : "delivery_fingerprint";
            try (ResultSet rs = meta.getTables(null, null, table, null)) {
                return rs.next();
            }
        }
    }

    /** Stores the fingerprints of the contacts the API confirmed in this chunk. */
    public Chunk remember(Chunk chunk) throws SQLException {
        List<ContactFingerprint> confirmed = chunk.items().stream().filter(Item::confirmed)
                .map(Item::fingerprint).toList();
        store(confirmed);
        return chunk;
    }

    /** email → hash for the given (lower-cased) emails that have one. */
    Map<String, String> lookup(List<String> emails) throws SQLException {
        Map<String, String> found = new HashMap<>();
        try (Connection c = db.get().getConnection()) {
            for (int from = 0; from < emails.size(); from += IN_LIST) {
                List<String> part = emails.subList(from, Math.min(emails.size(), from + IN_LIST));
                String marks = String.join(",", java.util.Collections.nCopies(part.size(), "?"));
                try (PreparedStatement st = c.prepareStatement(
                        "SELECT email, hash FROM delivery_fingerprint WHERE email IN (" + marks + ")")) {
                    for (int i = 0; i < part.size(); i++) {
                        st.setString(i + 1, part.get(i));
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            found.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            }
        }
        return found;
    }

    /**
     * Writes the fingerprints as one batched upsert in one transaction: no lookup (the rows are written whether they
     * exist or not) and one commit for the whole call, in email order (two nodes writing overlapping emails take
     * their row locks in the same order). The upsert is the database's own (H2 {@code MERGE … KEY}, PostgreSQL
     * {@code INSERT … ON CONFLICT}); another database gets an update, then an insert where none was updated. A batch
     * that fails (another node inserted one of these emails meanwhile) is rolled back and written one row at a time.
     */
    void store(List<ContactFingerprint> fingerprints) throws SQLException {
        if (fingerprints.isEmpty()) {
            return;
        }
        Map<String, String> latest = new TreeMap<>();
        fingerprints.forEach(f -> latest.put(f.email(), f.hash())); // one email twice in a chunk: the last one won
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = db.get().getConnection()) {
            String upsert = upsertSql(c.getMetaData().getDatabaseProductName());
            if (upsert == null || !upsertAll(c, upsert, latest, now)) {
                storeOneByOne(c, latest, now);
            }
        }
    }

    /** False when the batch failed and was rolled back (a duplicate key from another node's concurrent insert). */
    private static boolean upsertAll(Connection c, String upsert, Map<String, String> fingerprints, Timestamp now)
            throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement st = c.prepareStatement(upsert)) {
            for (Map.Entry<String, String> f : fingerprints.entrySet()) {
                st.setString(1, f.getKey());
                st.setString(2, f.getValue());
                st.setTimestamp(3, now);
                st.addBatch();
            }
            st.executeBatch();
            c.commit();
            return true;
        } catch (SQLException raced) {
            c.rollback();
            return false;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The upsert of one row (email, hash, delivered_at) in this database's dialect, or null when it has none. */
    static String upsertSql(String databaseProduct) {
        return switch (databaseProduct) {
            case "H2" -> "MERGE INTO delivery_fingerprint (email, hash, delivered_at) KEY (email) VALUES (?, ?, ?)";
            case "PostgreSQL" -> "INSERT INTO delivery_fingerprint (email, hash, delivered_at) VALUES (?, ?, ?) "
                    + "ON CONFLICT (email) DO UPDATE SET hash = EXCLUDED.hash, delivered_at = EXCLUDED.delivered_at";
            default -> null;
        };
    }

    private static void storeOneByOne(Connection c, Map<String, String> fingerprints, Timestamp now)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                     "UPDATE delivery_fingerprint SET hash = ?, delivered_at = ? WHERE email = ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO delivery_fingerprint (email, hash, delivered_at) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> f : fingerprints.entrySet()) {
                update.setString(1, f.getValue());
                update.setTimestamp(2, now);
                update.setString(3, f.getKey());
                if (update.executeUpdate() == 0) {
                    insert.setString(1, f.getKey());
                    insert.setString(2, f.getValue());
                    insert.setTimestamp(3, now);
                    insert.executeUpdate();
                }
            }
        }
    }
}
