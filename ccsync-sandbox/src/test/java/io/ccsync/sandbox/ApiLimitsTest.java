package io.ccsync.sandbox;

import io.ccsync.sandbox.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The V3 budget per client id: 4 requests in any second, 10,000 a UTC day; 429 bodies exactly as documented. */
class ApiLimitsTest {

    @Test
    void aBurstOf10Above4PerSecondGetsThrottled429WithTheExactBodyAndNoRetryAfter() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withRateLimit(4))) {
            String token = Http.accessToken(sandbox);
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                burst.add(Http.client().sendAsync(Http.request(sandbox.apiUrl() + "/contacts",
                        "Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();

            List<HttpResponse<String>> throttled = answers.stream().filter(a -> a.statusCode() == 429).toList();
            assertThat(throttled).isNotEmpty();
            assertThat(answers).allMatch(a -> a.statusCode() == 200 || a.statusCode() == 429);
            assertThat(throttled.get(0).body()).isEqualTo("{\"error_key\":\"throttled\",\"error_message\":\"Too Many Requests\"}");
            assertThat(throttled.get(0).headers().firstValue("Retry-After")).isEmpty();
        }
    }

    @Test
    void overTheDailyLimitIsQuotaExceededUntilMidnightUtc() {
        MutableClock clock = new MutableClock(Instant.parse("2030-05-01T23:59:00Z"));
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withDailyLimit(3).withClock(clock)
                .withAccessTtl(Duration.ofDays(2)))) {
            String token = Http.accessToken(sandbox);
            for (int i = 0; i < 3; i++) {
                assertThat(Http.api(sandbox, token, "GET", "/v3/contacts", null).statusCode()).isEqualTo(200);
            }

            HttpResponse<String> over = Http.api(sandbox, token, "GET", "/v3/contacts", null);

            assertThat(over.statusCode()).isEqualTo(429);
            assertThat(over.body()).isEqualTo("{\"error_key\":\"quota_exceeded\",\"error_message\":\"Limit Exceeded\"}");
            assertThat(over.headers().firstValue("Retry-After")).isEmpty();
            clock.set(Instant.parse("2030-05-02T00:00:00Z"));
            assertThat(Http.api(sandbox, token, "GET", "/v3/contacts", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unauthenticatedCallsCostNoQuota() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withDailyLimit(1))) {
            String token = Http.accessToken(sandbox);
            for (int i = 0; i < 3; i++) {
                assertThat(Http.api(sandbox, "bad", "GET", "/v3/contacts", null).statusCode()).isEqualTo(401);
            }

            assertThat(Http.api(sandbox, token, "GET", "/v3/contacts", null).statusCode()).isEqualTo(200);
        }
    }
}
