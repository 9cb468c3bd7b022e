package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RefreshPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final RefreshPolicy policy = new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1),
            Duration.ofDays(30));

    @Test
    void aDayTokenIsNotDueUntilFiveMinutesBeforeExp() {
        AccessToken token = AccessToken.parse(TestJwts.jwt(T0, Duration.ofHours(24)));
        assertThat(policy.due(token, T0.plus(Duration.ofHours(24)).minusSeconds(301))).isFalse();
        assertThat(policy.due(token, T0.plus(Duration.ofHours(24)).minusSeconds(300))).isTrue();
    }

    @Test
    void marginIsCappedAtHalfTheLifetimeSoShortTokensStillWork() {
        AccessToken token = AccessToken.parse(TestJwts.jwt(T0, Duration.ofSeconds(5)));
        assertThat(policy.due(token, T0.plusMillis(2499))).isFalse();
        assertThat(policy.due(token, T0.plusMillis(2500))).isTrue();
    }

    @Test
    void scheduledRefreshComesAnHourAhead() {
        AccessToken token = AccessToken.parse(TestJwts.jwt(T0, Duration.ofHours(24)));
        TokenState state = TestJwts.authorizedState(T0, Duration.ofHours(24), "r");
        assertThat(policy.dueAhead(state, token, T0.plus(Duration.ofHours(22)))).isFalse();
        assertThat(policy.dueAhead(state, token, T0.plus(Duration.ofHours(23)))).isTrue();
    }

    @Test
    void anIdleRefreshTokenIsRefreshedLongBeforeOneHundredEightyDays() {
        Instant later = T0.plus(Duration.ofDays(30));
        AccessToken fresh = AccessToken.parse(TestJwts.jwt(later, Duration.ofHours(24)));
        TokenState state = TestJwts.authorizedState(T0, Duration.ofHours(24), "r"); // refresh token from T0
        assertThat(policy.dueAhead(state, fresh, later.minusSeconds(1))).isFalse();
        assertThat(policy.dueAhead(state, fresh, later)).isTrue();
    }
}
