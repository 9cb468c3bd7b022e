package io.ccsync.lifecycle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The removals a source reported, in ccsync's database ({@code lifecycle_removal_batch}, {@code lifecycle_removal}):
 * written before the source moves on (the CRM watermark, the file's move), so a crash never loses one; held ones wait
 * there for {@code ccsync removals approve}. Every node reads and writes the same rows.
 */
public final class RemovalBatches {
    private static final int IN_LIST = 500;

    public enum State { OPEN, HELD, APPROVED, APPLYING, DONE, DISCARDED }

    public record Batch(long id, String origin, RemovalPolicy policy, State state, int count, String note,
            Instant createdAt) {
    }

    private final Supplier<DataSource> db;
    private final Clock clock;

    public RemovalBatches(Supplier<DataSource> db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A new open batch for one poll or file. */
    public long open(String origin, RemovalPolicy policy) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO lifecycle_removal_batch (origin, policy, state, removal_count, created_at, updated_at) "
                        + "VALUES (?, ?, 'OPEN', 0, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            st.setString(1, origin.length() > 1000 ? origin.substring(0, 1000) : origin);
            st.setString(2, policy.name());
            st.setTimestamp(3, now);
            st.setTimestamp(4, now);
            st.executeUpdate();
            try (ResultSet keys = st.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Adds emails (lower-cased, each once per batch) to an open batch; returns its count. */
    public int add(long batch, Collection<String> emails) throws SQLException {
        Set<String> fresh = new LinkedHashSet<>();
        emails.forEach(e -> fresh.add(e.strip().toLowerCase(Locale.ROOT)));
        try (Connection c = db.get().getConnection()) {
            fresh.removeAll(emails(c, batch));
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO lifecycle_removal (batch_id, email) VALUES (?, ?)")) {
                for (String email : fresh) {
                    st.setLong(1, batch);
                    st.setString(2, email);
                    st.addBatch();
                }
                st.executeBatch();
            }
            try (PreparedStatement st = c.prepareStatement("UPDATE lifecycle_removal_batch SET removal_count = "
                    + "(SELECT COUNT(*) FROM lifecycle_removal WHERE batch_id = ?), updated_at = ? WHERE id = ?")) {
                st.setLong(1, batch);
                st.setTimestamp(2, Timestamp.from(clock.instant()));
                st.setLong(3, batch);
                st.executeUpdate();
            }
        }
        return find(batch).map(Batch::count).orElse(0);
    }

    /**
     * Ends an open batch: held when it removes more than {@code allowed}, approved (applied by the removals-apply
     * route) otherwise; an empty batch is dropped. Returns the batch as it now is.
     */
    public Optional<Batch> close(long batch, long allowed, String heldNote) throws SQLException {
        Optional<Batch> b = find(batch);
        if (b.isEmpty()) {
            return b;
        }
        if (b.get().count() == 0) {
            delete(batch);
            return Optional.empty();
        }
        boolean held = b.get().count() > allowed;
        setState(batch, b.get().state(), held ? State.HELD : State.APPROVED, held ? heldNote : null);
        return find(batch);
    }

    /** The held (or left open) batches to approve: all, or the one given. Returns how many were approved. */
    public int approve(Long batch) throws SQLException {
        return transition(batch, List.of(State.HELD, State.OPEN), State.APPROVED, "approved by ccsync removals approve");
    }

    /** Drops held (or left open) batches and their emails: nothing of them is applied. */
    public int discard(Long batch) throws SQLException {
        List<Batch> gone = list().stream().filter(b -> batch == null || b.id() == batch)
                .filter(b -> b.state() == State.HELD || b.state() == State.OPEN).toList();
        int n = transition(batch, List.of(State.HELD, State.OPEN), State.DISCARDED, "discarded by ccsync removals discard");
        for (Batch b : gone) {
            try (Connection c = db.get().getConnection();
                 PreparedStatement st = c.prepareStatement("DELETE FROM lifecycle_removal WHERE batch_id = ?")) {
                st.setLong(1, b.id());
                st.executeUpdate();
            }
        }
        return n;
    }

    /**
     * The next batch to apply: an approved one, or one left applying by a process that stopped half way (applying again
     * is harmless: removing from a list or deleting twice changes nothing more). Marks it applying.
     */
    public Optional<Batch> next() throws SQLException {
        for (Batch b : list()) {
            if (b.state() == State.APPLYING) {
                return Optional.of(b);
            }
        }
        for (Batch b : list()) {
            if (b.state() == State.APPROVED && setState(b.id(), State.APPROVED, State.APPLYING, b.note())) {
                return find(b.id());
            }
        }
        return Optional.empty();
    }

    public void done(long batch, String note) throws SQLException {
        setState(batch, State.APPLYING, State.DONE, note);
    }

    /** Batches not yet done or discarded, oldest first, then the 20 latest others. */
    public List<Batch> list() throws SQLException {
        List<Batch> out = new ArrayList<>();
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT id, origin, policy, state, removal_count, note, created_at FROM lifecycle_removal_batch "
                        + "ORDER BY id")) {
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Batch(rs.getLong(1), rs.getString(2), RemovalPolicy.valueOf(rs.getString(3)),
                            State.valueOf(rs.getString(4)), rs.getInt(5), rs.getString(6),
                            rs.getTimestamp(7).toInstant()));
                }
            }
        }
        return out;
    }

    public Optional<Batch> find(long batch) throws SQLException {
        return list().stream().filter(b -> b.id() == batch).findFirst();
    }

    /** The batch's emails. */
    public List<String> emails(long batch) throws SQLException {
        try (Connection c = db.get().getConnection()) {
            return List.copyOf(emails(c, batch));
        }
    }

    /** How many contacts ccsync delivered (its fingerprints): the base of a percentage limit. */
    public long knownContacts() throws SQLException {
        try (Connection c = db.get().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM delivery_fingerprint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A removed contact is forgotten by delta sync and the dead letter: when a source brings it back it is delivered
     * again (its fingerprint would otherwise say "unchanged"), and a replay never brings back what was removed after
     * it failed. Returns the dead letters dropped.
     */
    public int forget(Collection<String> emails) throws SQLException {
        List<String> all = List.copyOf(emails);
        int letters = 0;
        try (Connection c = db.get().getConnection()) {
            for (int from = 0; from < all.size(); from += IN_LIST) {
                List<String> part = all.subList(from, Math.min(all.size(), from + IN_LIST));
                String marks = String.join(",", Collections.nCopies(part.size(), "?"));
                try (PreparedStatement fp = c.prepareStatement(
                             "DELETE FROM delivery_fingerprint WHERE email IN (" + marks + ")");
                     PreparedStatement dl = c.prepareStatement(
                             "DELETE FROM delivery_dead_letter WHERE LOWER(email) IN (" + marks + ")")) {
                    for (int i = 0; i < part.size(); i++) {
                        fp.setString(i + 1, part.get(i));
                        dl.setString(i + 1, part.get(i));
                    }
                    fp.executeUpdate();
                    letters += dl.executeUpdate();
                }
            }
        }
        return letters;
    }

    private static Set<String> emails(Connection c, long batch) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT email FROM lifecycle_removal WHERE batch_id = ? ORDER BY email")) {
            st.setLong(1, batch);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private int transition(Long batch, List<State> from, State to, String note) throws SQLException {
        int n = 0;
        for (Batch b : list()) {
            if ((batch == null || b.id() == batch) && from.contains(b.state()) && setState(b.id(), b.state(), to, note)) {
                n++;
            }
        }
        return n;
    }

    /** A compare-and-set on the state, so two nodes (or a command and a node) never both move one batch. */
    private boolean setState(long batch, State from, State to, String note) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE lifecycle_removal_batch SET state = ?, note = ?, updated_at = ? WHERE id = ? AND state = ?")) {
            st.setString(1, to.name());
            st.setString(2, note == null ? null : note.length() > 2000 ? note.substring(0, 2000) : note);
            st.setTimestamp(3, Timestamp.from(clock.instant()));
            st.setLong(4, batch);
            st.setString(5, from.name());
            return st.executeUpdate() == 1;
        }
    }

    private void delete(long batch) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "DELETE FROM lifecycle_removal_batch WHERE id = ?")) {
            st.setLong(1, batch);
            st.executeUpdate();
        }
    }
}
