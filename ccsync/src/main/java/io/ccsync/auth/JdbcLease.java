package io.ccsync.auth;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh lease on one {@code token_state} row: who may refresh that account's tokens now, across every ccsync
 * instance that shares the database. {@link #acquire} claims it (holder id and an expiry in database time) with one
 * conditional UPDATE, waiting while another live holder keeps renewing it; the holding is renewed every third of its
 * length until {@link #release} gives it back. A holder that dies stops renewing, and the next one takes over after
 * at most one lease length.
 *
 * <p>The lease only says who holds it; fencing (a write succeeds only while the row still names this holding) is the
 * store's, with {@link Held#holder()} in its WHERE clause. See {@link JdbcTokenStore} for why a lease and not a row
 * lock.
 */
final class JdbcLease {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcLease.class);
    private static final ScheduledExecutorService RENEWALS = renewals();

    private final DataSource db;
    private final String table;
    private final String account;
    private final Duration length;
    private final Duration maxWait;
    private final String where;
    private final String instanceId;
    private final AtomicLong holdings = new AtomicLong();

    /**
     * @param where for messages: the store's description (database without credentials, table, account)
     */
    JdbcLease(DataSource db, String table, String account, Duration length, Duration maxWait, String where) {
        if (length.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new IllegalStateException("ccsync.token.lease must be at least 3s (it is renewed every third)");
        }
        this.db = db;
        this.table = table;
        this.account = account;
        this.length = length;
        this.maxWait = maxWait;
        this.where = where;
        this.instanceId = hostName() + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One holding of the lease, from {@link #acquire} to {@link #release}. */
    static final class Held {
        private final String holder;
        private volatile ScheduledFuture<?> renewal;
        private volatile boolean active = true;

        private Held(String holder) {
            this.holder = holder;
        }

        /** The id the row names while this holding lasts: instance (host/pid/random) and a counter. */
        String holder() {
            return holder;
        }

        /** False once released, or once a renewal found the row naming someone else. */
        boolean active() {
            return active;
        }
    }

    /**
     * Waits up to {@code maxWait} for the lease and returns the holding, renewed in the background until released.
     *
     * @throws IllegalStateException when another holder kept renewing it all that time, naming that holder
     */
    Held acquire() {
        String holder = instanceId + "#" + holdings.incrementAndGet();
        long deadline = System.nanoTime() + maxWait.toNanos();
        long pause = 5;
        while (true) {
            String before;
            Instant beforeUntil;
            try (Connection c = db.getConnection()) {
                JdbcTokenStore.ensureRow(c, account);
                Instant now = databaseNow(c);
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT lease_holder, lease_until FROM " + table + " WHERE account = ?")) {
                    ps.setString(1, account);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        before = rs.getString(1);
                        beforeUntil = JdbcTokenStore.instant(rs, "lease_until");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET lease_holder = ?, "
                        + "lease_until = ? WHERE account = ? AND (lease_holder IS NULL OR lease_until < ?)")) {
                    ps.setString(1, holder);
                    JdbcTokenStore.setInstant(ps, 2, now.plus(length));
                    ps.setString(3, account);
                    JdbcTokenStore.setInstant(ps, 4, now);
                    if (ps.executeUpdate() == 1) {
                        if (before != null && beforeUntil != null && beforeUntil.isBefore(now)) {
                            LOG.warn("Took over the token refresh lease on {} from {}, whose lease ran out at {} "
                                    + "without being renewed or given back: that instance stopped or froze during a "
                                    + "refresh.", where, before, beforeUntil);
                        }
                        Held taken = new Held(holder);
                        long every = length.toMillis() / 3;
                        taken.renewal = RENEWALS.scheduleWithFixedDelay(() -> renew(taken), every, every,
                                TimeUnit.MILLISECONDS);
                        return taken;
                    }
                }
            } catch (SQLException e) {
                throw JdbcTokenStore.failure("take the token refresh lease in", where, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + maxWait.toSeconds() + " s for the token refresh lease on "
                        + where + ", which " + (before == null ? "another instance" : before)
                        + " keeps renewing (now until " + (beforeUntil == null ? "?" : beforeUntil) + "): its "
                        + "refresh is taking far longer than the token endpoint's timeouts allow. Check that "
                        + "instance.");
            }
            try {
                Thread.sleep(pause + ThreadLocalRandom.current().nextLong(pause + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the token refresh lease", e);
            }
            pause = Math.min(pause * 2, 100);
        }
    }

    /**
     * Whether the row still names {@code held} as the holder, the same test that fences the store's writes: a lease
     * that ran out but that no one took over still counts as held.
     */
    boolean stillHeld(Held held) {
        if (!held.active) {
            return false;
        }
        try (Connection c = db.getConnection()) {
            return held.holder.equals(holder(c));
        } catch (SQLException e) {
            throw JdbcTokenStore.failure("check the token refresh lease in", where, e);
        }
    }

    /** The holder the row names now, or null. */
    String holder(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT lease_holder FROM " + table + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Pushes the lease's end one lease length ahead of database time, while the refresh runs. */
    private void renew(Held taken) {
        synchronized (taken) {
            if (!taken.active) {
                return;
            }
            try (Connection c = db.getConnection()) {
                Instant now = databaseNow(c);
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                        + " SET lease_until = ? WHERE account = ? AND lease_holder = ?")) {
                    JdbcTokenStore.setInstant(ps, 1, now.plus(length));
                    ps.setString(2, account);
                    ps.setString(3, taken.holder);
                    if (ps.executeUpdate() == 0) {
                        taken.active = false;
                        if (taken.renewal != null) {
                            taken.renewal.cancel(false);
                        }
                        LOG.error("Lost the token refresh lease on {}: another instance took it over after this one "
                                + "did not renew it in time. Writes of this refresh are refused.", where);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Could not renew the token refresh lease on {} ({}); trying again in {} ms", where,
                        e.getMessage(), length.toMillis() / 3);
            }
        }
    }

    /** Gives the lease back, unless the row names someone else by now (a lost lease is not theirs to clear). */
    void release(Held taken) {
        synchronized (taken) {
            taken.active = false;
            if (taken.renewal != null) {
                taken.renewal.cancel(false);
            }
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE " + table
                + " SET lease_holder = NULL, lease_until = NULL WHERE account = ? AND lease_holder = ?")) {
            ps.setString(1, account);
            ps.setString(2, taken.holder);
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // Not given back: it runs out on its own after ccsync.token.lease.
            LOG.warn("Could not give back the token refresh lease on {} ({}); it runs out within {} s", where,
                    e.getMessage(), length.toSeconds());
        }
    }

    /** Lease times are database time, so instances whose clocks disagree still agree on when a lease ends. */
    private static Instant databaseNow(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    private static ScheduledExecutorService renewals() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ccsync-token-lease");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
