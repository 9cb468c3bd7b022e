package io.ccsync.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Tokens in ccsync's own database ({@code ccsyncDb}, table {@code token_state}, {@code db/migration}): one row per
 * connected account, shared by every ccsync instance that points at the same database. Writes compare-and-swap on
 * the row's version; the crash journal ({@link #keepIncoming}) is a column of the same row; the tokens and the kept
 * answer are sealed with AES-256-GCM when a key is configured ({@link TokenCipher}).
 *
 * <p><b>The refresh lock is a lease, not a row lock.</b> {@link #withRefreshLock} claims the row's lease
 * ({@link JdbcLease}: holder id and an expiry in database time) with one conditional UPDATE, renews it every third of
 * its length while the refresh runs, and gives it back at the end. Why not {@code SELECT … FOR UPDATE} held for the
 * refresh: a refresh lasts as long as the token endpoint with its retries (minutes at worst), and a row lock would pin
 * a pooled connection in an open transaction that long, while the crash marker, the kept answer and the new pair must each be committed at once
 * (durable before the next step), so they could not share that transaction and would wait on its lock. A lease is a
 * committed row anyone can read: operators see who holds it and until when; an instance that dies stops renewing and
 * the next one takes over after at most one lease length; a frozen but connected instance cannot block the others for
 * the hours a TCP keepalive takes to notice. The price of a lease, a holder that wakes up after it was taken over, is
 * met by fencing: while this store holds the lease, its writes succeed only if the row still names it as the holder,
 * so a holder that lost the lease cannot overwrite the pair (or the invalid_grant verdict) of the one that took over.
 *
 * <p>One store is one node: threads of this JVM queue on a lock of this instance before they queue for the lease.
 */
public final class JdbcTokenStore implements TokenStore {
    static final String TABLE = "token_state";
    private static final int TEXT_LIMIT = 10_000;

    private final DataSource db;
    private final String location;
    private final String account;
    private final TokenCipher cipher;
    private final JdbcLease lease;
    private final ReentrantLock jvmLock = new ReentrantLock();
    private volatile JdbcLease.Held held;

    /**
     * @param db       ccsync's database, with its schema applied ({@code DatabaseConfiguration.applySchema})
     * @param jdbcUrl  its URL, for {@link #describe()} only (credentials are removed)
     * @param account  the row: instances that share one Constant Contact connection use the same name
     * @param cipher   {@link TokenCipher#NONE} or the configured key
     * @param lease    how long a refresh lease lasts without renewal; the holder renews it every third of that
     * @param maxWait  how long {@link #withRefreshLock} waits for a lease another live instance keeps renewing
     */
    public JdbcTokenStore(DataSource db, String jdbcUrl, String account, TokenCipher cipher, Duration lease,
            Duration maxWait) {
        if (account == null || account.isBlank() || account.length() > 100) {
            throw new IllegalStateException("ccsync.token.account must be a name of 1 to 100 characters");
        }
        this.db = db;
        this.location = withoutCredentials(jdbcUrl);
        this.account = account;
        this.cipher = cipher;
        this.lease = new JdbcLease(db, TABLE, account, lease, maxWait, describe());
    }

    @Override
    public TokenState read() {
        return read(false);
    }

    /**
     * @param plainAllowed whether tokens stored in plain text may be read while a key is configured: only for
     *                     {@link #encryptPlaintext()}; everywhere else such a row is refused with the command that
     *                     encrypts it
     */
    private TokenState read(boolean plainAllowed) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT version, "
                + "access_token, refresh_token, scope, refresh_token_since, refresh_mode, last_refresh_at, "
                + "last_refresh_outcome, reauthorization, refresh_started_at FROM " + TABLE + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong("version") == 0) {
                    return TokenState.EMPTY;
                }
                if (!plainAllowed && cipher.enabled() && (cipher.isPlain(rs.getString("access_token"))
                        || cipher.isPlain(rs.getString("refresh_token")))) {
                    throw new IllegalStateException("the tokens in " + describe() + " are stored in plain text, but "
                            + TokenCipher.VARIABLE + " is set: ccsync does not use them as they are (a key set later "
                            + "must not silently leave secrets readable). Run `ccsync token migrate` once to encrypt "
                            + "them with the configured key, or unset " + TokenCipher.VARIABLE + ".");
                }
                return new TokenState(rs.getLong("version"),
                        cipher.open(rs.getString("access_token"), aad("access_token"), describe()),
                        cipher.open(rs.getString("refresh_token"), aad("refresh_token"), describe()),
                        rs.getString("scope"), instant(rs, "refresh_token_since"),
                        TokenState.RefreshMode.valueOf(rs.getString("refresh_mode")), instant(rs, "last_refresh_at"),
                        rs.getString("last_refresh_outcome"), rs.getString("reauthorization"),
                        instant(rs, "refresh_started_at"));
            }
        } catch (SQLException e) {
            throw failure("read the tokens from", e);
        }
    }

    @Override
    public void write(TokenState next) {
        long expected = next.version() - 1;
        JdbcLease.Held fence = fence();
        try (Connection c = db.getConnection()) {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET version = ?, access_token = ?, "
                    + "refresh_token = ?, scope = ?, refresh_token_since = ?, refresh_mode = ?, last_refresh_at = ?, "
                    + "last_refresh_outcome = ?, reauthorization = ?, refresh_started_at = ?, "
                    + "updated_at = CURRENT_TIMESTAMP WHERE account = ? AND version = ?"
                    + (fence != null ? " AND lease_holder = ?" : ""))) {
                int i = bindState(ps, next);
                ps.setString(i++, account);
                ps.setLong(i++, expected);
                if (fence != null) {
                    ps.setString(i, fence.holder());
                }
                updated = ps.executeUpdate();
            }
            if (updated == 1) {
                return;
            }
            Row row = row(c);
            if (row == null && expected == 0 && insert(c, next)) {
                return;
            }
            row = row == null ? row(c) : row;
            long found = row == null ? 0 : row.version;
            if (fence != null && found == expected) {
                throw new IllegalStateException("the token refresh lease on " + describe() + " was taken over by "
                        + row.holder + " after this instance (" + fence.holder() + ") stopped renewing it for longer "
                        + "than ccsync.token.lease; this write was refused so it cannot overwrite that instance's "
                        + "newer tokens");
            }
            throw new ConcurrentUpdateException(expected, found);
        } catch (SQLException e) {
            throw failure("write the tokens to", e);
        }
    }

    /** The first write of an account: the row does not exist yet. False when another writer inserted it first. */
    private boolean insert(Connection c, TokenState next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (version, access_token, "
                + "refresh_token, scope, refresh_token_since, refresh_mode, last_refresh_at, last_refresh_outcome, "
                + "reauthorization, refresh_started_at, account, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
            int i = bindState(ps, next);
            ps.setString(i, account);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    private int bindState(PreparedStatement ps, TokenState s) throws SQLException {
        int i = 1;
        ps.setLong(i++, s.version());
        ps.setString(i++, cipher.seal(s.accessToken(), aad("access_token")));
        ps.setString(i++, cipher.seal(s.refreshToken(), aad("refresh_token")));
        ps.setString(i++, s.scope());
        setInstant(ps, i++, s.refreshTokenSince());
        ps.setString(i++, (s.refreshMode() == null ? TokenState.RefreshMode.UNKNOWN : s.refreshMode()).name());
        setInstant(ps, i++, s.lastRefreshAt());
        ps.setString(i++, limit(s.lastRefreshOutcome()));
        ps.setString(i++, limit(s.reauthorization()));
        setInstant(ps, i++, s.refreshStartedAt());
        return i;
    }

    /**
     * Committed when this returns (autocommit): a process killed right after does not lose the rotated pair. Fenced
     * like {@link #write}: a holder that lost its lease cannot put a stale answer where the next holder would take
     * it for the current one.
     */
    @Override
    public void keepIncoming(String tokenResponseBody) {
        JdbcLease.Held fence = fence();
        try (Connection c = db.getConnection()) {
            ensureRow(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE
                    + " SET incoming = ?, incoming_at = CURRENT_TIMESTAMP WHERE account = ?"
                    + (fence != null ? " AND lease_holder = ?" : ""))) {
                ps.setString(1, cipher.seal(tokenResponseBody, aad("incoming")));
                ps.setString(2, account);
                if (fence != null) {
                    ps.setString(3, fence.holder());
                }
                if (ps.executeUpdate() == 0 && fence != null) {
                    throw leaseLost(fence, "keeping the token answer");
                }
            }
        } catch (SQLException e) {
            throw failure("keep the token answer in", e);
        }
    }

    private IllegalStateException leaseLost(JdbcLease.Held fence, String what) {
        return new IllegalStateException("the token refresh lease on " + describe() + " was taken over by another "
                + "instance after this one (" + fence.holder() + ") stopped renewing it for longer than "
                + "ccsync.token.lease; " + what + " was refused so that it cannot mix with that instance's refresh");
    }

    /**
     * Inside a refresh: whether the row still names this instance's lease as the holder, the same test that fences
     * every write (a lease that ran out but that no one took over still lets them through).
     */
    @Override
    public boolean holdsRefreshLock() {
        JdbcLease.Held fence = fence();
        if (fence == null) {
            return true; // not inside a refresh: nothing to lose
        }
        return lease.stillHeld(fence);
    }

    /**
     * {@code ccsync token migrate}: seals a row stored in plain text (written before a key was set) with the configured
     * key, as the next version, under the refresh lease. Returns false when there was nothing to encrypt.
     */
    public boolean encryptPlaintext() {
        if (!cipher.enabled()) {
            throw new IllegalStateException("no encryption key is set: set " + TokenCipher.VARIABLE + " (the base64 "
                    + "of 32 random bytes, `openssl rand -base64 32`) on every node, then run `ccsync token migrate`.");
        }
        return withRefreshLock(() -> {
            String[] raw = rawSecrets();
            if (!cipher.isPlain(raw[0]) && !cipher.isPlain(raw[1]) && !cipher.isPlain(raw[2])) {
                return false;
            }
            TokenState s = read(true);
            if (s.version() > 0) {
                write(new TokenState(s.version() + 1, s.accessToken(), s.refreshToken(), s.scope(),
                        s.refreshTokenSince(), s.refreshMode(), s.lastRefreshAt(), s.lastRefreshOutcome(),
                        s.reauthorization(), s.refreshStartedAt()));
            }
            if (cipher.isPlain(raw[2])) {
                keepIncoming(raw[2]); // sealed now; still the answer a refresh may have to finish from
            }
            return true;
        });
    }

    private String[] rawSecrets() {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT access_token, refresh_token, incoming FROM " + TABLE + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}
                        : new String[3];
            }
        } catch (SQLException e) {
            throw failure("read the tokens from", e);
        }
    }

    /**
     * The kept-answer UPDATE of {@link #keepIncoming}, prepared on a connection of its own before the token call;
     * fenced the same way by the lease this thread holds (no row updated: the answer is then kept, or refused, by
     * {@link #keepIncoming}).
     */
    @Override
    public AnswerSlot openAnswerSlot() {
        JdbcLease.Held fence = fence();
        try {
            Connection c = db.getConnection();
            try {
                ensureRow(c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return new JdbcAnswerSlot(c, "UPDATE " + TABLE + " SET incoming = ?, incoming_at = CURRENT_TIMESTAMP "
                    + "WHERE account = ?" + (fence != null ? " AND lease_holder = ?" : ""), ps -> {
                        ps.setString(2, account);
                        if (fence != null) {
                            ps.setString(3, fence.holder());
                        }
                    }, plain -> cipher.seal(plain, aad("incoming")), describe());
        } catch (SQLException e) {
            throw failure("prepare the kept token answer in", e);
        }
    }

    @Override
    public Optional<String> incoming() {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT incoming FROM " + TABLE + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(cipher.open(rs.getString(1), aad("incoming"), describe()))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read the kept token answer from", e);
        }
    }

    @Override
    public void clearIncoming() {
        JdbcLease.Held fence = fence();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + TABLE + " SET incoming = NULL, incoming_at = NULL WHERE account = ?"
                        + (fence != null ? " AND lease_holder = ?" : ""))) {
            ps.setString(1, account);
            if (fence != null) {
                ps.setString(2, fence.holder());
            }
            if (ps.executeUpdate() == 0 && fence != null && row(c) != null) {
                throw leaseLost(fence, "clearing the kept token answer");
            }
        } catch (SQLException e) {
            throw failure("clear the kept token answer in", e);
        }
    }

    /**
     * Other threads of this instance wait on a JVM lock, other instances on the lease. Re-entrant: a refresh that
     * finishes an interrupted one (or records a failure) inside the lock does not wait for itself.
     */
    @Override
    public <T> T withRefreshLock(Supplier<T> work) {
        jvmLock.lock();
        try {
            if (jvmLock.getHoldCount() > 1) {
                return work.get();
            }
            JdbcLease.Held holding = lease.acquire();
            held = holding;
            try {
                return work.get();
            } finally {
                held = null;
                lease.release(holding);
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /** The lease this thread's writes must still hold, or null when the thread writes outside a refresh. */
    private JdbcLease.Held fence() {
        JdbcLease.Held holding = held;
        return holding != null && jvmLock.isHeldByCurrentThread() ? holding : null;
    }

    /** The lease and the journal need the row before the first token is stored: version 0 reads as nothing. */
    private void ensureRow(Connection c) throws SQLException {
        ensureRow(c, account);
    }

    static void ensureRow(Connection c, String account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                + " (account, version, refresh_mode, updated_at) VALUES (?, 0, 'UNKNOWN', CURRENT_TIMESTAMP)")) {
            ps.setString(1, account);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    private Row row(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version, lease_holder FROM " + TABLE + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }

    /** The associated data of a sealed value: its row and column, so a ciphertext moved elsewhere does not open. */
    private String aad(String column) {
        return TABLE + "/" + account + "/" + column;
    }

    @Override
    public String describe() {
        return location + " (table " + TABLE + ", account " + account
                + (cipher.enabled() ? ", tokens encrypted" : "") + ")";
    }

    /**
     * A JDBC URL fit for messages: no user info, and none of the parameters after {@code ?} or {@code ;}, where
     * drivers take user, password and key options.
     */
    static String withoutCredentials(String jdbcUrl) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            return "ccsyncDb";
        }
        String url = jdbcUrl;
        int cut = indexOfAny(url, '?', ';');
        if (cut >= 0) {
            url = url.substring(0, cut);
        }
        int slashes = url.indexOf("//");
        if (slashes >= 0) {
            int at = url.indexOf('@', slashes + 2);
            int path = url.indexOf('/', slashes + 2);
            if (at >= 0 && (path < 0 || at < path)) {
                url = url.substring(0, slashes + 2) + url.substring(at + 1);
            }
        }
        return url;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static String limit(String text) {
        return text == null || text.length() <= TEXT_LIMIT ? text : text.substring(0, TEXT_LIMIT - 1) + "…";
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
        }
    }

    /** SQLSTATE 23505, unique violation, in both H2 and PostgreSQL. */
    private static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    private IllegalStateException failure(String what, SQLException e) {
        return failure(what, describe(), e);
    }

    /** A database failure for a message: the store's description, and no value the driver may have quoted. */
    static IllegalStateException failure(String what, String where, SQLException e) {
        SQLException quiet = new SQLException(withoutValues(e), e.getSQLState(), e.getErrorCode());
        quiet.setStackTrace(e.getStackTrace());
        return new IllegalStateException("cannot " + what + " " + where + ": " + quiet.getMessage(), quiet);
    }

    /**
     * The driver's message, unless it may quote a value: a data exception (SQLState class 22, "value too long" and
     * the like) names the value it refused (H2 quotes its start), and here that value may be a token. The error and
     * its cause carry this message instead of the driver's.
     */
    static String withoutValues(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("22")) {
            return "the database refused a value (SQLState " + state + ", error " + e.getErrorCode() + ")";
        }
        return e.getMessage();
    }

    private record Row(long version, String holder) {
    }
}
