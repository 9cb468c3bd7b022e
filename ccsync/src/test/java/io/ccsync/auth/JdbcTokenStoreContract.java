package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.store.DatabaseConfiguration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The jdbc token store against a real database: {@link JdbcTokenStoreH2Test} and {@link JdbcTokenStorePostgresTest}
 * run the same cases. Two pools on one database are two ccsync nodes; each test has its own account row.
 */
abstract class JdbcTokenStoreContract {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(24);
    private static final String KEY = key(1);
    private static final Duration LEASE = Duration.ofSeconds(3);

    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<CountDownLatch> held = new ArrayList<>();
    private String account;

    /** The database's JDBC URL (user and password included as the driver takes them). */
    abstract String url();

    @BeforeEach
    void account() {
        account = "test-" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        held.forEach(CountDownLatch::countDown);
        pools.forEach(HikariDataSource::close);
    }

    /** A new pool on the database, schema applied: one more ccsync node. */
    HikariDataSource node() throws Exception {
        HikariDataSource pool = DatabaseConfiguration.pool("node-" + pools.size(), url(), null, null);
        pools.add(pool);
        DatabaseConfiguration.applySchema(pool);
        return pool;
    }

    JdbcTokenStore store(HikariDataSource pool, TokenCipher cipher) {
        return new JdbcTokenStore(pool, pool.getJdbcUrl(), account, cipher, LEASE, Duration.ofSeconds(30));
    }

    JdbcTokenStore store(HikariDataSource pool) {
        return store(pool, TokenCipher.NONE);
    }

    private static TokenState authorized(String refreshToken) {
        return TestJwts.authorizedState(T0, LIFETIME, refreshToken);
    }

    /** The next version of {@code s} with other tokens, as a refresh would store it. */
    private static TokenState rotated(TokenState s, String refreshToken) {
        return s.refreshed(new TokenResponse(AccessToken.parse(TestJwts.jwt(T0.plusSeconds(s.version()), LIFETIME)),
                refreshToken, s.scope()), T0.plusSeconds(s.version()));
    }

    @Test
    void nothingStoredReadsEmptyAndAWrittenStateReadsBackWhole() throws Exception {
        JdbcTokenStore store = store(node());
        assertThat(store.read()).isEqualTo(TokenState.EMPTY);

        TokenState first = authorized("refresh-1");
        store.write(first);
        TokenState marked = first.refreshStarting(Instant.parse("2026-11-23T10:00:01.123456Z"));
        store.write(marked);

        assertThat(store.read()).isEqualTo(marked);
        assertThat(store(node()).read()).as("another node sees it").isEqualTo(marked);
    }

    @Test
    void aWriteBasedOnAStaleVersionIsRefused() throws Exception {
        JdbcTokenStore a = store(node());
        JdbcTokenStore b = store(node());
        a.write(authorized("refresh-1"));
        TokenState seenByA = a.read();
        TokenState seenByB = b.read();

        a.write(rotated(seenByA, "refresh-2"));

        assertThatThrownBy(() -> b.write(rotated(seenByB, "refresh-3")))
                .isInstanceOf(TokenStore.ConcurrentUpdateException.class)
                .hasMessageContaining("expected version 1, found 2");
        assertThat(b.read().refreshToken()).isEqualTo("refresh-2");
    }

    @Test
    void twoFirstWritesOfOneAccountCannotBothWin() throws Exception {
        JdbcTokenStore a = store(node());
        JdbcTokenStore b = store(node());
        a.write(authorized("from-a"));
        assertThatThrownBy(() -> b.write(authorized("from-b")))
                .isInstanceOf(TokenStore.ConcurrentUpdateException.class);
        assertThat(b.read().refreshToken()).isEqualTo("from-a");
    }

    @Test
    void concurrentCompareAndSwapLosesNoUpdate() throws Exception {
        List<JdbcTokenStore> nodes = List.of(store(node()), store(node()));
        nodes.get(0).write(authorized("refresh-1"));
        int threads = 8;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger conflicts = new AtomicInteger();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            JdbcTokenStore store = nodes.get(t % 2);
            pool.execute(() -> {
                for (int n = 0; n < each; n++) {
                    while (true) {
                        TokenState s = store.read();
                        try {
                            store.write(rotated(s, "refresh-" + (s.version() + 1)));
                            break;
                        } catch (TokenStore.ConcurrentUpdateException e) {
                            conflicts.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                            return;
                        }
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        TokenState last = nodes.get(1).read();
        assertThat(last.version()).isEqualTo(1 + threads * each);
        assertThat(last.refreshToken()).isEqualTo("refresh-" + last.version());
    }

    @Test
    void theRefreshLockIsExclusiveAcrossNodes() throws Exception {
        JdbcTokenStore a = store(node());
        JdbcTokenStore b = store(node());
        CountDownLatch aInside = new CountDownLatch(1);
        CountDownLatch aMayLeave = hold();
        AtomicBoolean bInside = new AtomicBoolean();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> a.withRefreshLock(() -> {
            aInside.countDown();
            waitFor(aMayLeave);
            return null;
        }));
        assertThat(aInside.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> b.withRefreshLock(() -> {
            bInside.set(true);
            return null;
        }));

        // Longer than a lease: the holder's renewals keep it while it works.
        await().during(LEASE.plusSeconds(1)).atMost(LEASE.plusSeconds(3)).untilFalse(bInside);
        aMayLeave.countDown();
        await().atMost(Duration.ofSeconds(10)).untilTrue(bInside);
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
    }

    @Test
    void manyThreadsOnTwoNodesAreNeverInsideTogether() throws Exception {
        List<JdbcTokenStore> nodes = List.of(store(node()), store(node()));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 8; t++) {
            JdbcTokenStore store = nodes.get(t % 2);
            pool.execute(() -> {
                try {
                    for (int n = 0; n < 5; n++) {
                        store.withRefreshLock(() -> {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            store.read(); // some work with the database while inside
                            entries.incrementAndGet();
                            inside.decrementAndGet();
                            return null;
                        });
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        assertThat(entries).hasValue(40);
        assertThat(most).hasValue(1);
    }

    @Test
    void aLeaseIsTakenOverOnceItsDeadHolderStopsRenewingIt() throws Exception {
        HikariDataSource dying = node();
        JdbcTokenStore a = store(dying);
        JdbcTokenStore b = store(node());
        CountDownLatch aInside = new CountDownLatch(1);
        CountDownLatch never = hold();
        CompletableFuture.runAsync(() -> {
            try {
                a.withRefreshLock(() -> {
                    aInside.countDown();
                    waitFor(never);
                    return null;
                });
            } catch (RuntimeException expected) {
                // giving the lease back fails: the node is gone
            }
        });
        assertThat(aInside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(leaseHolder()).isNotNull();

        dying.close(); // the node dies mid-refresh: no more renewals, no release

        AtomicBoolean bInside = new AtomicBoolean();
        long start = System.nanoTime();
        CompletableFuture<Void> taking = CompletableFuture.runAsync(() -> b.withRefreshLock(() -> {
            bInside.set(true);
            return null;
        }));
        await().atMost(LEASE.plusSeconds(10)).untilTrue(bInside);
        taking.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LEASE.plusSeconds(5));
        assertThat(leaseHolder()).as("given back").isNull();
    }

    @Test
    void aHolderWhoseLeaseWasTakenOverCannotWrite() throws Exception {
        JdbcTokenStore a = store(node());
        a.write(authorized("refresh-1"));
        CountDownLatch aInside = new CountDownLatch(1);
        CountDownLatch proceed = hold();
        CompletableFuture<Throwable> aWrites = CompletableFuture.supplyAsync(() -> a.withRefreshLock(() -> {
            aInside.countDown();
            waitFor(proceed);
            try {
                a.write(rotated(a.read(), "refresh-from-a"));
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }));
        assertThat(aInside.await(10, TimeUnit.SECONDS)).isTrue();
        takeTheLeaseOverAsNodeB(); // a froze past its lease
        proceed.countDown();

        assertThat(aWrites.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taken over by node-b/1/frozen-test#1");
        assertThat(store(node()).read().refreshToken()).isEqualTo("refresh-1");
        assertThat(leaseHolder()).as("a does not give back a lease it lost").isEqualTo("node-b/1/frozen-test#1");
    }

    @Test
    void aTokenTheDatabaseRefusesIsNamedInNoErrorMessage() throws Exception {
        JdbcTokenStore store = store(node());
        String secret = "rt-" + "s3cr3t".repeat(20_000); // longer than the column: the database refuses it
        String answer = "{\"refresh_token\":\"" + secret + "\"}";

        assertThatThrownBy(() -> store.keepIncoming(answer)).satisfies(e -> {
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).as(t.getClass().getName()).doesNotContain("s3cr3ts3cr3t");
            }
        }).hasMessageContaining("cannot keep the token answer in");
    }

    @Test
    void theKeptAnswerSurvivesARestartAndIsForgottenWhenCleared() throws Exception {
        JdbcTokenStore before = store(node());
        assertThat(before.incoming()).isEmpty();
        before.keepIncoming("{\"access_token\":\"kept\"}"); // before any tokens were stored: the row is made for it
        assertThat(before.read()).isEqualTo(TokenState.EMPTY);
        before.write(authorized("refresh-1"));
        before.keepIncoming("{\"refresh_token\":\"rotated\"}");

        JdbcTokenStore after = store(node()); // a new process
        assertThat(after.incoming()).contains("{\"refresh_token\":\"rotated\"}");
        assertThat(after.read().version()).as("the journal is not a version").isEqualTo(1);
        after.clearIncoming();
        assertThat(before.incoming()).isEmpty();
    }

    @Test
    void aFirstAnswerKeptBeforeAnyPairIsStoredAtStartNotDropped() throws Exception {
        KeptAnswerCases.aFirstAnswerKeptBeforeAnyPairIsStoredAtStart(store(node()));
    }

    @Test
    void aFirstAnswerThatCannotBeUsedStaysKeptAndTheStartSaysToAuthorize() throws Exception {
        KeptAnswerCases.aFirstAnswerThatCannotBeUsedStaysKeptAndTheStartSaysToAuthorize(store(node()));
    }

    @Test
    void withAKeyNeitherTokenNorKeptAnswerIsStoredReadable() throws Exception {
        HikariDataSource pool = node();
        JdbcTokenStore store = store(pool, TokenCipher.fromSetting(KEY));
        TokenState state = authorized("the-refresh-token");
        store.write(state);
        store.keepIncoming("{\"refresh_token\":\"the-next-refresh-token\"}");

        List<String> raw = raw(pool, "access_token", "refresh_token", "incoming");
        assertThat(raw).allSatisfy(v -> assertThat(v).startsWith("ccsync-aes256gcm:v1:")
                .doesNotContain("refresh-token").doesNotContain(state.accessToken().substring(0, 20)));
        assertThat(store.read()).isEqualTo(state);
        assertThat(store.incoming()).contains("{\"refresh_token\":\"the-next-refresh-token\"}");
        assertThat(store.describe()).contains("encrypted");

        store.write(rotated(state, "the-refresh-token")); // the same token again: a new nonce, other bytes
        assertThat(raw(pool, "refresh_token").get(0)).isNotEqualTo(raw.get(1));
    }

    @Test
    void encryptedTokensWithoutTheirKeyAreAnErrorNeverGarbage() throws Exception {
        HikariDataSource pool = node();
        store(pool, TokenCipher.fromSetting(KEY)).write(authorized("the-refresh-token"));

        assertThatThrownBy(() -> store(pool).read()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("encrypted").hasMessageContaining("no key is set")
                .hasMessageContaining("CCSYNC_TOKEN_KEY");
        assertThatThrownBy(() -> store(pool, TokenCipher.fromSetting(key(2))).read())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another key")
                .hasMessageContaining("CCSYNC_TOKEN_KEY");

        // a ciphertext moved to another column (or row) does not open, even with the right key
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE token_state SET refresh_token = access_token WHERE account = ?")) {
            ps.setString(1, account);
            ps.executeUpdate();
        }
        assertThatThrownBy(() -> store(pool, TokenCipher.fromSetting(KEY)).read())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("altered or copied");
    }

    @Test
    void plainRowsAreRefusedWhenAKeyIsSetUntilMigrateSealsThem() throws Exception {
        HikariDataSource pool = node();
        store(pool).write(authorized("plain-refresh-token"));
        store(pool).keepIncoming("{\"refresh_token\":\"plain-next\"}");
        JdbcTokenStore sealed = store(pool, TokenCipher.fromSetting(KEY));

        assertThatThrownBy(sealed::read).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("plain text").hasMessageContaining("CCSYNC_TOKEN_KEY")
                .hasMessageContaining("ccsync token migrate").hasMessageNotContaining("plain-refresh-token");

        assertThat(sealed.encryptPlaintext()).isTrue();

        assertThat(raw(pool, "access_token", "refresh_token", "incoming"))
                .allSatisfy(v -> assertThat(v).startsWith("ccsync-aes256gcm:v1:"));
        assertThat(sealed.read().refreshToken()).isEqualTo("plain-refresh-token");
        assertThat(sealed.read().version()).isEqualTo(2);
        assertThat(sealed.incoming()).contains("{\"refresh_token\":\"plain-next\"}");
        assertThat(sealed.encryptPlaintext()).as("nothing left to encrypt").isFalse();
    }

    @Test
    void aHolderWhoseLeaseWasTakenOverCannotKeepOrClearAnAnswerNorRetry() throws Exception {
        JdbcTokenStore a = store(node());
        a.write(authorized("refresh-1"));
        a.keepIncoming("{\"refresh_token\":\"kept-by-the-new-holder\"}");
        CountDownLatch aInside = new CountDownLatch(1);
        CountDownLatch proceed = hold();
        CompletableFuture<List<Object>> aActs = CompletableFuture.supplyAsync(() -> a.withRefreshLock(() -> {
            List<Object> outcomes = new ArrayList<>();
            outcomes.add(a.holdsRefreshLock());
            aInside.countDown();
            waitFor(proceed);
            outcomes.add(a.holdsRefreshLock());
            for (Runnable act : List.<Runnable>of(() -> a.keepIncoming("{\"refresh_token\":\"stale-from-a\"}"),
                    a::clearIncoming)) {
                try {
                    act.run();
                    outcomes.add("done");
                } catch (RuntimeException e) {
                    outcomes.add(e.getMessage());
                }
            }
            return outcomes;
        }));
        assertThat(aInside.await(10, TimeUnit.SECONDS)).isTrue();
        takeTheLeaseOverAsNodeB();
        proceed.countDown();

        List<Object> outcomes = aActs.get(10, TimeUnit.SECONDS);
        assertThat(outcomes.get(0)).as("holds the lease at first").isEqualTo(true);
        assertThat(outcomes.get(1)).as("knows it lost it: no retry").isEqualTo(false);
        assertThat(outcomes.subList(2, 4)).allSatisfy(o -> assertThat(o).asString().contains("taken over"));
        assertThat(store(node()).incoming()).as("the new holder's kept answer is untouched")
                .contains("{\"refresh_token\":\"kept-by-the-new-holder\"}");
    }

    @Test
    void aMalformedKeyNamesTheVariableAndNeverShowsTheValue() {
        assertThatThrownBy(() -> TokenCipher.fromSetting("not base64 at all!"))
                .hasMessageContaining("CCSYNC_TOKEN_KEY").hasMessageContaining("not valid base64")
                .hasMessageNotContaining("not base64 at all");
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> TokenCipher.fromSetting(shortKey))
                .hasMessageContaining("CCSYNC_TOKEN_KEY").hasMessageContaining("16 bytes, not 32")
                .hasMessageNotContaining(shortKey);
        assertThat(TokenCipher.fromSetting("").enabled()).isFalse();
    }

    @Test
    void describeNamesTheDatabaseWithoutCredentials() throws Exception {
        String described = store(node()).describe();
        assertThat(described).startsWith("jdbc:").contains("token_state").contains(account)
                .doesNotContain("password").doesNotContain("user=");
        assertThat(JdbcTokenStore.withoutCredentials("jdbc:postgresql://ccsync:s3cret@db.example:5432/ccsync"
                + "?user=ccsync&password=s3cret&sslmode=require")).isEqualTo("jdbc:postgresql://db.example:5432/ccsync");
        assertThat(JdbcTokenStore.withoutCredentials("jdbc:h2:file:./data/ccsync;USER=sa;PASSWORD=s3cret"))
                .isEqualTo("jdbc:h2:file:./data/ccsync");
    }

    private List<String> raw(HikariDataSource pool, String... columns) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + String.join(", ", columns) + " FROM token_state WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                for (int i = 1; i <= columns.length; i++) {
                    values.add(rs.getString(i));
                }
            }
        }
        return values;
    }

    /** Another node, node-b, takes the lease over, as it would once lease_until had passed. */
    private void takeTheLeaseOverAsNodeB() throws Exception {
        try (Connection c = pools.get(0).getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE token_state SET lease_holder = 'node-b/1/frozen-test#1' WHERE account = ?")) {
            ps.setString(1, account);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private String leaseHolder() throws Exception {
        HikariDataSource pool = pools.get(pools.size() - 1);
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT lease_holder FROM token_state WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** A latch released at the latest when the test ends, so no thread outlives it. */
    private CountDownLatch hold() {
        CountDownLatch latch = new CountDownLatch(1);
        held.add(latch);
        return latch;
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String key(int seed) {
        byte[] key = new byte[32];
        new java.util.Random(seed).nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
