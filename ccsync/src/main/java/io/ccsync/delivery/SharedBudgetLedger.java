package io.ccsync.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiBudget}'s requests counted in ccsync's database, for every node of a cluster together
 * (ccsync.cluster.enabled=true; tables in db/migration/…/V2__cluster_tables.sql).
 *
 * <p>Why a row lock and a permit table rather than a counter per second: the limit is "4 in any second", a rolling
 * window, and a request keeps its place until a second after its answer (see {@link ApiBudget}). Counters per calendar
 * second would let 4 requests at .9 and 4 more at 1.1 through; a plain counter cannot hold "still in flight". So every
 * request let through is a row (granted, released), and granting is one short transaction that first locks the single
 * {@code delivery_budget} row ({@code SELECT … FOR UPDATE}): nodes grant one after another, counting the same rows.
 * At 4 requests a second that lock is never contended for long. The window is measured on the database's clock, so
 * the nodes' clocks need not agree to the millisecond; the day and the quota pause use ccsync's clock, as the
 * single-node budget does (a few milliseconds around midnight do not matter, and the day only ever moves forward).
 * Nothing is held while waiting: a caller that must wait commits, sleeps and asks again.
 */
final class SharedBudgetLedger implements ApiBudget.Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(ApiBudget.class);
    /** Permit rows older than this are gone for good (released long ago, or from a node that died). */
    private static final Duration KEEP = ApiBudget.STALE.multipliedBy(2);

    private final int perSecond;
    private final int perDay;
    private final Clock clock;
    private final Supplier<DataSource> db;
    private final String node;
    /** The last daily-quota pause seen: within a day it only grows, so it is waited out without asking again. */
    private volatile Instant knownPause;

    SharedBudgetLedger(int perSecond, int perDay, Clock clock, Supplier<DataSource> db, String node) {
        this.perSecond = perSecond;
        this.perDay = perDay;
        this.clock = clock;
        this.db = db;
        this.node = node;
    }

    /** One try: a permit, or how long to wait before the next. */
    private record Attempt(ApiBudget.Permit permit, long waitMillis) {
    }

    @Override
    public ApiBudget.Permit acquire() throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            Instant pause = knownPause;
            if (pause != null && now.isBefore(pause)) {
                Thread.sleep(Math.max(1, Math.min(ApiBudget.PAUSE_CHECK_MILLIS, Duration.between(now, pause)
                        .toMillis())));
                continue;
            }
            Attempt attempt;
            try {
                attempt = tryOnce(now);
            } catch (SQLException e) {
                throw new IllegalStateException("the API budget shared in ccsync.db.url cannot be read: "
                        + e.getMessage(), e);
            }
            if (attempt.permit() != null) {
                return attempt.permit();
            }
            Thread.sleep(Math.max(1, attempt.waitMillis()));
        }
    }

    private Attempt tryOnce(Instant now) throws SQLException {
        try (Connection c = db.get().getConnection()) {
            c.setAutoCommit(false);
            try {
                Attempt attempt = tryOnce(c, now);
                c.commit();
                return attempt;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private Attempt tryOnce(Connection c, Instant now) throws SQLException {
        LocalDate day;
        int used;
        Instant paused;
        Instant held;
        Instant dbNow;
        try (PreparedStatement st = c.prepareStatement("SELECT day, used_today, paused_until, held_until, "
                + "clock_timestamp() FROM delivery_budget WHERE budget = 'api' FOR UPDATE");
                ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the row 'api' of delivery_budget is missing (the V2 migration makes it)");
            }
            day = rs.getObject(1, LocalDate.class);
            used = rs.getInt(2);
            paused = instant(rs.getObject(3, OffsetDateTime.class));
            held = instant(rs.getObject(4, OffsetDateTime.class));
            dbNow = rs.getObject(5, OffsetDateTime.class).toInstant();
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (day == null || today.isAfter(day)) { // a node whose clock is still on yesterday counts into today's row
            day = today;
            used = 0;
        }
        if (paused != null && now.isBefore(paused)) {
            knownPause = paused;
            return new Attempt(null, 0);
        }
        if (used >= perDay) {
            pause(c, ApiBudget.midnightAfter(now), "ccsync's daily budget of " + perDay + " requests "
                    + "(ccsync.delivery.rate.per-day) is used up by the nodes together");
            return new Attempt(null, 0);
        }
        if (held != null && dbNow.isBefore(held)) {
            return new Attempt(null, Duration.between(dbNow, held).toMillis() + 1);
        }
        int counting;
        Instant soonestReleased;
        try (PreparedStatement st = c.prepareStatement("SELECT count(*), min(released_at) FROM delivery_budget_permit "
                + "WHERE (released_at IS NULL AND granted_at > ?) OR released_at > ?")) {
            st.setObject(1, offset(dbNow.minus(ApiBudget.STALE)));
            st.setObject(2, offset(dbNow.minus(ApiBudget.WINDOW)));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                counting = rs.getInt(1);
                soonestReleased = instant(rs.getObject(2, OffsetDateTime.class));
            }
        }
        if (counting >= perSecond) {
            // all places taken: the first to come free is the earliest answered one; those still in flight come free
            // a second after their answer at the earliest (ask again a little later to see them answered)
            long wait = soonestReleased == null ? ApiBudget.PAUSE_CHECK_MILLIS
                    : Duration.between(dbNow, soonestReleased.plus(ApiBudget.WINDOW)).toMillis() + 1;
            return new Attempt(null, Math.min(wait, ApiBudget.WINDOW.toMillis()));
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM delivery_budget_permit WHERE granted_at < ?")) {
            st.setObject(1, offset(dbNow.minus(KEEP)));
            st.executeUpdate();
        }
        long id;
        try (PreparedStatement st = c.prepareStatement("INSERT INTO delivery_budget_permit (node, granted_at) "
                + "VALUES (?, ?) RETURNING id")) {
            st.setString(1, node);
            st.setObject(2, offset(dbNow));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE delivery_budget SET day = ?, used_today = ? WHERE budget = 'api'")) {
            st.setObject(1, day);
            st.setInt(2, used + 1);
            st.executeUpdate();
        }
        return new Attempt(new ApiBudget.Permit(now, () -> release(id)), 0);
    }

    /** The answer is in: the request's place comes free a second from now (database time). */
    private void release(long id) {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE delivery_budget_permit SET released_at = clock_timestamp() WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("cannot give back an API budget place in ccsync.db.url ({}); it counts for another {} s",
                    e.getMessage(), ApiBudget.STALE.toSeconds());
        }
    }

    @Override
    public void quotaExceeded(Instant sentAt) {
        Instant midnight = ApiBudget.midnightAfter(sentAt);
        if (!clock.instant().isBefore(midnight)) {
            return; // a late answer from yesterday
        }
        try (Connection c = db.get().getConnection()) {
            pause(c, midnight, ApiBudget.QUOTA_EXCEEDED);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot pause the API budget shared in ccsync.db.url: " + e.getMessage(),
                    e);
        }
    }

    /** Pauses every node until {@code until} (unless a later pause is set); the node that sets it logs it. */
    private void pause(Connection c, Instant until, String why) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE delivery_budget SET paused_until = ? "
                + "WHERE budget = 'api' AND (paused_until IS NULL OR paused_until < ?)")) {
            st.setObject(1, offset(until));
            st.setObject(2, offset(until));
            if (st.executeUpdate() > 0) {
                LOG.warn(ApiBudget.PAUSE_LOG, why, until);
            }
        }
        Instant known = knownPause;
        if (known == null || until.isAfter(known)) {
            knownPause = until;
        }
    }

    @Override
    public void throttled() {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE delivery_budget SET held_until = GREATEST(COALESCE(held_until, clock_timestamp()), "
                        + "clock_timestamp() + ? * INTERVAL '1 millisecond') WHERE budget = 'api'")) {
            st.setLong(1, ApiBudget.THROTTLE_HOLD.toMillis());
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot hold the API budget shared in ccsync.db.url: " + e.getMessage(),
                    e);
        }
        LOG.warn(ApiBudget.THROTTLED_LOG);
    }

    @Override
    public Instant pausedUntil() {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT paused_until FROM delivery_budget WHERE budget = 'api'"); ResultSet rs = st.executeQuery()) {
            Instant paused = rs.next() ? instant(rs.getObject(1, OffsetDateTime.class)) : null;
            return paused != null && clock.instant().isBefore(paused) ? paused : null;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the API budget shared in ccsync.db.url: " + e.getMessage(), e);
        }
    }

    @Override
    public int usedToday() {
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT day, used_today FROM delivery_budget WHERE budget = 'api'"); ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                return 0;
            }
            LocalDate day = rs.getObject(1, LocalDate.class);
            return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).equals(day) ? rs.getInt(2) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the API budget shared in ccsync.db.url: " + e.getMessage(), e);
        }
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime offset(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
