package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.sandbox.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The kept-answer rule every store must honour, run by {@link FileTokenStoreTest} and {@link JdbcTokenStoreContract}:
 * an answer that arrived is never deleted before a pair is stored from it, also when no pair was ever stored (the very
 * first authorization's exchange killed right after its answer was kept).
 */
final class KeptAnswerCases {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final String REFRESH_TOKEN = "first-refresh-token";

    private KeptAnswerCases() {
    }

    /** A token endpoint answer as the server sends it. */
    static String answer(String accessToken, String refreshToken, String scope) {
        return "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":86400,"
                + "\"scope\":\"" + scope + "\",\"refresh_token\":\"" + refreshToken + "\"}";
    }

    /** What start-up runs ({@code AuthConfiguration}): the refresh owner finishing what the last run left. */
    static String start(TokenStore store) {
        return new TokenRefreshSteps(store, TestJwts.settings(), new MutableClock(NOW), 0).finishInterruptedRefresh();
    }

    /** Its access token expired since it was kept (a day later): the refresh token beside it renews it. */
    static void aFirstAnswerKeptBeforeAnyPairIsStoredAtStart(TokenStore store) {
        String accessToken = TestJwts.jwt(NOW.minus(Duration.ofDays(2)), Duration.ofHours(24));
        store.keepIncoming(answer(accessToken, REFRESH_TOKEN, "contact_data offline_access"));

        String said = start(store);

        TokenState stored = store.read();
        assertThat(stored.refreshToken()).as("the kept refresh token is the stored one").isEqualTo(REFRESH_TOKEN);
        assertThat(stored.accessToken()).isEqualTo(accessToken);
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.refreshStartedAt()).isNull();
        assertThat(stored.reauthorization()).isNull();
        assertThat(store.incoming()).as("forgotten once its pair is stored").isEmpty();
        assertThat(said).contains("stored the tokens", store.describe()).doesNotContain(REFRESH_TOKEN)
                .doesNotContain(accessToken);
    }

    /** Granted without contact_data: only `ccsync authorize` helps, and until then the answer is not thrown away. */
    static void aFirstAnswerThatCannotBeUsedStaysKeptAndTheStartSaysToAuthorize(TokenStore store) {
        String body = answer(TestJwts.jwt(NOW, Duration.ofHours(24), TestJwts.CLIENT_ID, List.of("offline_access")),
                REFRESH_TOKEN, "offline_access");
        store.keepIncoming(body);

        String said = start(store);

        assertThat(store.incoming()).as("still kept").contains(body);
        assertThat(store.read().hasTokens()).isFalse();
        assertThat(said).contains("cannot be used", "contact_data", "ccsync authorize", store.describe())
                .doesNotContain(REFRESH_TOKEN);
        assertThat(start(store)).as("said again at every start until then").isEqualTo(said);
    }
}
