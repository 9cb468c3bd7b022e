package io.ccsync.auth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a person reads after `ccsync authorize` or `device-login`: which account answered, and a switch of account. */
class ConnectedTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void anotherAccountThanTheOneStoredBeforeIsPointedOut() {
        Connected switched = new Connected("marketing@example.com", "client", "contact_data offline_access",
                NOW.plusSeconds(86_400), "data/tokens.json", "sales@example.com");

        assertThat(switched.describe(NOW)).contains("account (sub)    marketing@example.com")
                .contains("the stored tokens were of account sales@example.com; they are replaced by those of "
                        + "marketing@example.com")
                .contains("If marketing@example.com is not the account you meant");
    }

    @Test
    void theSameAccountAgainIsNoNews() {
        Connected again = new Connected("sales@example.com", "client", "contact_data offline_access",
                NOW.plusSeconds(86_400), "data/tokens.json", "sales@example.com");

        assertThat(again.describe(NOW)).doesNotContain("replaced").contains("account (sub)    sales@example.com");
    }
}
