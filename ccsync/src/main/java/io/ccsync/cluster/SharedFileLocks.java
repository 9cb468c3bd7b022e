package io.ccsync.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox's read locks in cluster mode (bean {@code inboxLocks}, the file consumer's {@code idempotentRepository}
 * with {@code readLock=idempotent-changed}): the node that adds a file's key reads it; the others skip it until the
 * key is removed, after the file has moved to done/ or error/ (or its delivery failed and it waits for a later poll).
 *
 * <p>Why not camel-sql's JdbcMessageIdRepository or JdbcOrphanLockAwareIdempotentRepository: both count first and
 * insert after, and their default table has no key, so two nodes polling together can both "add" the same file.
 * Here taking a lock is one statement ({@code INSERT … ON CONFLICT DO UPDATE … WHERE}): it inserts the key, or takes
 * over a lock whose node stopped renewing it for {@code timeout} (a node that died mid-file), or changes nothing. The
 * holder renews its locks every quarter of the timeout; all times are the database's clock, so the nodes' clocks do
 * not matter.
 */
public final class SharedFileLocks extends ServiceSupport implements IdempotentRepository {
    private static final Logger LOG = LoggerFactory.getLogger(SharedFileLocks.class);

    private final Cluster cluster;
    private final Duration timeout;
    private ScheduledExecutorService heartbeat;

    public SharedFileLocks(Cluster cluster, Duration timeout) {
        this.cluster = cluster;
        this.timeout = timeout;
    }

    @Override
    public boolean add(String key) {
        try (Connection c = cluster.database().getConnection(); PreparedStatement st = c.prepareStatement("""
                INSERT INTO inbox_lock (file_key, node, locked_at, heartbeat_at)
                VALUES (?, ?, clock_timestamp(), clock_timestamp())
                ON CONFLICT (file_key) DO UPDATE SET node = EXCLUDED.node, locked_at = EXCLUDED.locked_at,
                    heartbeat_at = EXCLUDED.heartbeat_at
                WHERE inbox_lock.heartbeat_at < clock_timestamp() - ? * INTERVAL '1 millisecond'
                RETURNING (xmax = 0) AS fresh""")) {
            st.setString(1, key);
            st.setString(2, cluster.node());
            st.setLong(3, timeout.toMillis());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return false; // another node is reading it
                }
                if (!rs.getBoolean(1)) {
                    LOG.warn("{}: its lock was not renewed for {} s (the node reading it stopped); reading it here",
                            key, timeout.toSeconds());
                }
                return true;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock " + key + " in ccsync.db.url: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean contains(String key) {
        try (Connection c = cluster.database().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT 1 FROM inbox_lock WHERE file_key = ? AND heartbeat_at >= clock_timestamp() - ? * INTERVAL "
                        + "'1 millisecond'")) {
            st.setString(1, key);
            st.setLong(2, timeout.toMillis());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the lock of " + key + ": " + e.getMessage(), e);
        }
    }

    /** Releases this node's lock (never another node's). */
    @Override
    public boolean remove(String key) {
        try (Connection c = cluster.database().getConnection(); PreparedStatement st = c.prepareStatement(
                "DELETE FROM inbox_lock WHERE file_key = ? AND node = ?")) {
            st.setString(1, key);
            st.setString(2, cluster.node());
            return st.executeUpdate() > 0;
        } catch (SQLException e) {
            // the lock stays until its heartbeat is old enough for another node to take the file over
            LOG.warn("cannot release the lock of {}: {}", key, e.getMessage());
            return false;
        }
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Releases every lock this node holds. */
    @Override
    public void clear() {
        try (Connection c = cluster.database().getConnection(); PreparedStatement st = c.prepareStatement(
                "DELETE FROM inbox_lock WHERE node = ?")) {
            st.setString(1, cluster.node());
            st.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("cannot release this node's inbox locks: {}", e.getMessage());
        }
    }

    /** Renews every lock this node holds, so the others know it is alive and still reading. */
    void renew() {
        try (Connection c = cluster.database().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE inbox_lock SET heartbeat_at = clock_timestamp() WHERE node = ?")) {
            st.setString(1, cluster.node());
            st.executeUpdate();
        } catch (Exception e) {
            LOG.warn("cannot renew this node's inbox locks (another node takes a file over when its lock is {} s "
                    + "old): {}", timeout.toSeconds(), e.getMessage());
        }
    }

    @Override
    protected void doStart() {
        long every = Math.max(100, timeout.toMillis() / 4);
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ccsync-inbox-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
        }
    }
}
