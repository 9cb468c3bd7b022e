package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.ccsync.CcsyncApplication;
import io.ccsync.testing.CapturedLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a start says about the tokens it finds, through the real start-up ({@link AuthConfiguration}, as every command
 * and {@code ccsync run} make it): a warning only when a person may have to act, naming what to run, never a secret.
 */
class TokenStartLogTest {
    private static final Instant ISSUED = Instant.now().minus(Duration.ofHours(1));

    @TempDir
    Path dir;

    private FileTokenStore store;
    private CapturedLog log;
    private final List<CamelContext> started = new ArrayList<>();

    @BeforeEach
    void authorized() {
        store = new FileTokenStore(dir.resolve("tokens.json"));
        store.write(TestJwts.authorizedState(ISSUED, Duration.ofHours(24), "refresh-1"));
        log = CapturedLog.of("io.ccsync");
    }

    @AfterEach
    void close() {
        log.close();
        started.forEach(CamelContext::stop);
    }

    /** A start as the commands make it, then the first look at the token (the cache's first read). */
    private TokenCache start() {
        CamelContext context = CcsyncApplication.settings(Map.of(
                "ccsync.oauth.client-id", TestJwts.CLIENT_ID,
                "ccsync.oauth.client-secret", "test-secret",
                "ccsync.oauth.token-url", "http://127.0.0.1:1/token",
                "ccsync.token.file", store.describe()));
        started.add(context);
        new AuthConfiguration().configure(context);
        TokenCache cache = context.getRegistry().lookupByNameAndType("tokenCache", TokenCache.class);
        cache.accessToken();
        return cache;
    }

    private List<String> warnings() {
        return log.atLeast(Level.WARN);
    }

    @Test
    void aNormalStartWithAFreshPairSaysNothing() {
        start();

        assertThat(warnings()).isEmpty();
    }

    @Test
    void anotherProcessRefreshingAtTheFirstLookIsNoWarning() {
        start();
        // `ccsync token refresh`, or another node, marks its refresh while this process first reads the store
        TokenCache second = newCacheOnTheStoreAsItIsNow();
        store.write(store.read().refreshStarting(Instant.now()));

        second.accessToken();

        assertThat(warnings()).isEmpty();
    }

    @Test
    void aRefreshThatStoppedBeforeItsAnswerWasKeptIsSaidOnceWithTheFixAndNoSecret() {
        TokenState marked = store.read().refreshStarting(Instant.now());
        store.write(marked); // killed after the marker, no answer kept

        start();

        assertThat(warnings()).singleElement().asString().startsWith("WARN On start:")
                .contains("stopped before the token endpoint's answer was kept", "ccsync authorize")
                .doesNotContain(marked.refreshToken()).doesNotContain(marked.accessToken());
        assertThat(store.read().refreshStartedAt()).as("cleared: said once").isNull();
        assertThat(store.read().refreshToken()).isEqualTo("refresh-1");
        assertThat(store.read().lastRefreshOutcome()).contains("interrupted");
        log.clear();
        start();
        assertThat(warnings()).as("the next start").isEmpty();
    }

    @Test
    void aLongLivedRefreshKilledAfterItsAnswerWasKeptIsNoWarning() {
        TokenState marked = store.read().refreshStarting(Instant.now());
        store.write(marked);
        // a long-lived token: the answer brings the same refresh token back, then the process is killed
        store.keepIncoming(KeptAnswerCases.answer(TestJwts.jwt(Instant.now(), Duration.ofHours(24)), "refresh-1",
                "contact_data offline_access"));

        start();

        assertThat(warnings()).isEmpty();
        assertThat(store.read().refreshStartedAt()).isNull();
        assertThat(store.read().refreshToken()).isEqualTo("refresh-1");
        assertThat(store.incoming()).isEmpty();
    }

    private TokenCache newCacheOnTheStoreAsItIsNow() {
        return new TokenCache(store, new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofDays(30)), java.time.Clock.systemUTC(), current -> {
                    throw new AssertionError("no refresh is due");
                }, TestJwts.CLIENT_ID);
    }
}
