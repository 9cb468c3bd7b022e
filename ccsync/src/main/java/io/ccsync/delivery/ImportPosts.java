package io.ccsync.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * ccsync's own import requests in {@code delivery_import_post} (ccsyncDb, so every node and every restart sees the
 * same): each POST from the moment it is first sent, and the activity it created once known. The table is what
 * tells ccsync's activities from another client's on the same API key, and which of ccsync's requests still wait
 * for an answer that never came.
 */
final class ImportPosts {
    /** Constant Contact keeps activities 10 days; a request older than that can match none. */
    static final Duration KEPT = Duration.ofDays(11);

    private final Supplier<DataSource> db;

    ImportPosts(Supplier<DataSource> db) {
        this.db = db;
    }

    /** A new request, about to be posted for the first time; old rows are dropped on the way. */
    void posting(String postId, int records, int lists, Instant at) throws SQLException {
        try (Connection c = db.get().getConnection()) {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM delivery_import_post WHERE posted_at < ?")) {
                st.setTimestamp(1, Timestamp.from(at.minus(KEPT)));
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO delivery_import_post "
                    + "(post_id, activity_id, record_count, list_count, posted_at) VALUES (?, NULL, ?, ?, ?)")) {
                st.setString(1, postId);
                st.setInt(2, records);
                st.setInt(3, lists);
                st.setTimestamp(4, Timestamp.from(at));
                st.executeUpdate();
            }
        }
    }

    /**
     * Ties the activity to the request, once: false when the activity already belongs to another request (a unique
     * key, so two nodes can never both take it) or the request already has one.
     */
    boolean own(String postId, String activityId) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE delivery_import_post SET activity_id = ? WHERE post_id = ? AND activity_id IS NULL "
                        + "AND NOT EXISTS (SELECT 1 FROM delivery_import_post o WHERE o.activity_id = ?)")) {
            st.setString(1, activityId);
            st.setString(2, postId);
            st.setString(3, activityId);
            return st.executeUpdate() == 1;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false; // another node took it between our check and our write
            }
            throw e;
        }
    }

    /**
     * Activities that may be an unanswered ccsync request's but could not be told apart: written down as owned (by a
     * request that posts nothing), so that no later request of the same size ever adopts one of them.
     */
    void fence(Collection<String> activityIds, int records, int lists, Instant at) throws SQLException {
        for (String id : activityIds) {
            try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                    "INSERT INTO delivery_import_post (post_id, activity_id, record_count, list_count, posted_at) "
                            + "VALUES (?, ?, ?, ?, ?)")) {
                st.setString(1, java.util.UUID.randomUUID().toString());
                st.setString(2, id);
                st.setInt(3, records);
                st.setInt(4, lists);
                st.setTimestamp(5, Timestamp.from(at));
                st.executeUpdate();
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                } // owned meanwhile: fenced all the same
            }
        }
    }

    /** Which of these activities some ccsync request (of any node, before any restart) owns. */
    Set<String> owned(Collection<String> activityIds) throws SQLException {
        Set<String> owned = new HashSet<>();
        if (activityIds.isEmpty()) {
            return owned;
        }
        String marks = String.join(",", java.util.Collections.nCopies(activityIds.size(), "?"));
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT activity_id FROM delivery_import_post WHERE activity_id IN (" + marks + ")")) {
            int i = 1;
            for (String id : activityIds) {
                st.setString(i++, id);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    owned.add(rs.getString(1));
                }
            }
        }
        return owned;
    }

    /**
     * Other ccsync requests of the same size, posted since {@code since}, that have no activity yet: their
     * activity, if it exists, looks exactly like ours would.
     */
    int othersWaiting(String postId, int records, int lists, Instant since) throws SQLException {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT COUNT(*) FROM delivery_import_post WHERE post_id <> ? AND activity_id IS NULL "
                        + "AND record_count = ? AND list_count = ? AND posted_at >= ?")) {
            st.setString(1, postId);
            st.setInt(2, records);
            st.setInt(3, lists);
            st.setTimestamp(4, Timestamp.from(since));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
