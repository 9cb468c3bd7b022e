package io.ccsync.auth;

import io.ccsync.sandbox.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's decisions with a scripted token endpoint; the real route and sandbox are in TokenRouteTest. */
class TokenCacheTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(24);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final AtomicInteger refreshes = new AtomicInteger();
    private FileTokenStore store;
    private TokenCache cache;

    /** Behaves like the token route: a new pair, stored before it is returned. */
    private final TokenCache.Refresher endpoint = current -> {
        int n = refreshes.incrementAndGet();
        AccessToken fresh = AccessToken.parse(TestJwts.jwt(clock.instant(), LIFETIME));
        TokenState next = current.refreshed(new TokenResponse(fresh, "refresh-" + (n + 1), current.scope()),
                clock.instant());
        store.write(next);
        return next;
    };

    @BeforeEach
    void authorized() {
        store = new FileTokenStore(dir.resolve("tokens.json"));
        store.write(TestJwts.authorizedState(T0, LIFETIME, "refresh-1"));
        cache = newCache(endpoint);
    }

    private TokenCache newCache(TokenCache.Refresher refresher) {
        return new TokenCache(store, new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofDays(30)), clock, refresher);
    }

    @Test
    void aGoodTokenIsServedFromMemoryWithoutATokenCall() {
        AccessToken first = cache.accessToken();
        clock.advance(Duration.ofHours(23));
        assertThat(cache.accessToken()).isSameAs(first);
        assertThat(refreshes).hasValue(0);
    }

    @Test
    void aTokenWithinTheMarginIsRefreshedAndTheNewPairStored() {
        clock.advance(LIFETIME.minusMinutes(4));
        AccessToken token = cache.accessToken();
        assertThat(refreshes).hasValue(1);
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(LIFETIME));
        assertThat(store.read().refreshToken()).isEqualTo("refresh-2");
        assertThat(store.read().refreshMode()).isEqualTo(TokenState.RefreshMode.ROTATING);
    }

    @Test
    void sixtyFourThreadsAtExpiryMakeExactlyOneRefreshAndAllGetItsToken() throws Exception {
        cache.accessToken();
        clock.advance(LIFETIME);
        int threads = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < threads; i++) {
            pool.execute(() -> {
                try {
                    start.await();
                    seen.add(cache.accessToken().value());
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        assertThat(refreshes).hasValue(1);
        assertThat(seen).hasSize(1);
    }

    @Test
    void a401OnTheCurrentTokenRefreshesOnce() {
        AccessToken used = cache.accessToken();
        AccessToken next = cache.rejected(used);
        assertThat(next.value()).isNotEqualTo(used.value());
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void a401OnATokenAlreadyReplacedDoesNotRefreshAgain() {
        AccessToken old = cache.accessToken();
        AccessToken replaced = cache.rejected(old);
        assertThat(cache.rejected(old)).isEqualTo(replaced);
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void aPairStoredByAnotherProcessIsAdoptedInsteadOfRefreshingAgain() {
        cache.accessToken();
        clock.advance(LIFETIME);
        // another process refreshed first (ccsync token refresh, another node): its pair is in the store
        TokenCache other = newCache(endpoint);
        AccessToken theirs = other.accessToken();
        assertThat(cache.accessToken().value()).isEqualTo(theirs.value());
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void invalidGrantStopsEveryCallerWithoutAnotherTokenCall() {
        AtomicInteger calls = new AtomicInteger();
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        TokenCache dead = newCache(current -> {
            calls.incrementAndGet();
            store.write(current.reauthorizationNeeded("the refresh token was rejected (invalid_grant)", T0));
            throw new ReauthorizationRequiredException("the refresh token was rejected (invalid_grant)");
        });
        dead.onAuthorizationChange(changes::add);
        dead.accessToken();
        clock.advance(LIFETIME);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(dead::accessToken).isInstanceOf(ReauthorizationRequiredException.class)
                    .hasMessageContaining("invalid_grant");
        }
        assertThat(calls).hasValue(1);
        assertThat(changes).containsExactly(false);
        assertThat(dead.usable()).isFalse();
    }

    @Test
    void newTokensFromAuthorizeResumeTheRoutes() {
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        cache.onAuthorizationChange(changes::add);
        TokenState stored = store.read();
        store.write(stored.reauthorizationNeeded("refused", T0));
        cache.refreshAhead();
        store.write(store.read().authorized(new TokenResponse(AccessToken.parse(TestJwts.jwt(T0, LIFETIME)), "new",
                "contact_data offline_access"), T0));
        cache.refreshAhead();
        assertThat(changes).containsExactly(false, true);
        assertThat(cache.usable()).isTrue();
    }

    @Test
    void withNoStoredTokensTheMessageSaysToAuthorize() {
        TokenCache empty = new TokenCache(new FileTokenStore(dir.resolve("none.json")),
                new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(30)), clock, endpoint);
        assertThatThrownBy(empty::accessToken).isInstanceOf(ReauthorizationRequiredException.class)
                .hasMessageContaining("ccsync authorize");
    }

    @Test
    void aFailedRefreshKeepsTheCurrentPairAndRecordsTheOutcome() {
        TokenCache failing = newCache(new TokenRefreshSteps(store, TestJwts.settings(), clock, 0).callingThrough(
                current -> {
                    throw new TokenEndpointException(TokenEndpointException.Kind.UNAVAILABLE, null, "HTTP 503");
                }));
        failing.accessToken();
        clock.advance(LIFETIME);
        assertThatThrownBy(failing::accessToken).hasMessageContaining("503");
        TokenState after = store.read();
        assertThat(after.refreshToken()).isEqualTo("refresh-1");
        assertThat(after.lastRefreshOutcome()).contains("503");
        assertThat(failing.usable()).isTrue();
    }

    @Test
    void theScheduledCheckRefreshesAnHourAheadAndOtherwiseLeavesTheTokenAlone() {
        assertThat(cache.refreshAhead()).contains("nothing to do");
        clock.advance(Duration.ofHours(23));
        assertThat(cache.refreshAhead()).contains("refreshed ahead of time");
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void inLongLivedModeTheKeepAliveRefreshesOncePerPeriodNotEveryTickAfterIt() {
        // Long-lived: the same refresh token comes back, so its first receipt never moves. Counted from there, the
        // keep-alive was due on every 10-minute tick after day 30; counted from the last good refresh, once a period.
        // Year-long access tokens, so that only the keep-alive decides after the first refresh.
        TokenCache longLived = newCache(current -> {
            refreshes.incrementAndGet();
            AccessToken fresh = AccessToken.parse(TestJwts.jwt(clock.instant(), Duration.ofDays(365)));
            TokenState next = current.refreshed(new TokenResponse(fresh, current.refreshToken(), current.scope()),
                    clock.instant());
            store.write(next);
            return next;
        });
        Instant end = T0.plus(Duration.ofDays(65));
        while (clock.instant().isBefore(end)) {
            longLived.refreshAhead(); // the cron: every 10 minutes
            clock.advance(Duration.ofMinutes(10));
        }

        // the 24-hour token of the authorization an hour before its end, then the keep-alive 30 and 60 days later
        assertThat(refreshes).hasValue(3);
        assertThat(store.read().refreshToken()).isEqualTo("refresh-1");
        assertThat(store.read().refreshMode()).isEqualTo(TokenState.RefreshMode.LONG_LIVED);
    }

    @Test
    void theKeepAliveIsDueAPeriodAfterTheLastGoodRefreshAndNotBefore() {
        RefreshPolicy policy = new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(30));
        Instant received = T0;
        Instant refreshed = T0.plus(Duration.ofDays(31));
        AccessToken token = AccessToken.parse(TestJwts.jwt(refreshed, LIFETIME));
        TokenState longLived = new TokenState(5, token.value(), "refresh-1", "contact_data offline_access", received,
                TokenState.RefreshMode.LONG_LIVED, refreshed, "ok", null, null);

        assertThat(policy.dueAhead(longLived, token, refreshed.plus(Duration.ofMinutes(10)))).isFalse();
        assertThat(policy.dueAhead(longLived, token, refreshed.plus(Duration.ofDays(29)))).as("token expired, so due")
                .isTrue();
        AccessToken longToken = AccessToken.parse(TestJwts.jwt(refreshed, Duration.ofDays(60)));
        assertThat(policy.dueAhead(longLived, longToken, refreshed.plus(Duration.ofDays(29)))).isFalse();
        assertThat(policy.dueAhead(longLived, longToken, refreshed.plus(Duration.ofDays(30)))).isTrue();
    }

    @Test
    void theScheduledCheckDoesNotRefreshAgainWhatAnotherNodeRefreshedWhileItWaitedForTheLock() {
        // Two nodes on one store. Node b's keep-alive finds the token due, but node a (a sync that found it due too)
        // holds the store's refresh lock and refreshes first; when b gets the lock the pair is new. Found by the
        // cluster run: b refreshed again at once, spending the brand-new refresh token (a 429 from the token
        // endpoint's one call a second, then a second refresh for one expiry).
        TokenCache nodeA = cache;
        TokenStore waitsForNodeA = new TokenStore() {
            private boolean first = true;

            @Override
            public TokenState read() {
                return store.read();
            }

            @Override
            public void write(TokenState next) {
                store.write(next);
            }

            @Override
            public <T> T withRefreshLock(java.util.function.Supplier<T> work) {
                if (first) {
                    first = false;
                    nodeA.refreshAhead(); // holds the lock first
                }
                return store.withRefreshLock(work);
            }

            @Override
            public void keepIncoming(String tokenResponseBody) {
                store.keepIncoming(tokenResponseBody);
            }

            @Override
            public java.util.Optional<String> incoming() {
                return store.incoming();
            }

            @Override
            public void clearIncoming() {
                store.clearIncoming();
            }

            @Override
            public String describe() {
                return store.describe();
            }
        };
        TokenCache nodeB = new TokenCache(waitsForNodeA, new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofDays(30)), clock, endpoint);
        nodeA.accessToken();
        nodeB.accessToken();
        clock.advance(Duration.ofHours(23).plusMinutes(30));

        String outcome = nodeB.refreshAhead();

        assertThat(refreshes).as("refreshes for one expiry").hasValue(1);
        assertThat(store.read().refreshToken()).isEqualTo("refresh-2");
        assertThat(outcome).contains("refreshed meanwhile");
        assertThat(nodeB.accessToken().value()).isEqualTo(nodeA.accessToken().value());
    }
}
