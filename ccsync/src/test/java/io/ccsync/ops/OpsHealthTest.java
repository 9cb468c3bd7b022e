package io.ccsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.auth.FileTokenStore;
import io.ccsync.auth.TokenCache;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.FreePort;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /observe/health and /observe/metrics over real HTTP on the management port, against the sandbox. */
class OpsHealthTest {
    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;
    private int port;

    @AfterEach
    void stop() {
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** A sandbox with 10-minute tokens (refresh margin: 5 minutes), one authorization, ccsync with its clock. */
    private void start(Clock clock) throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withAccessTtl(Duration.ofMinutes(10)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        startCcsync(clock);
    }


    private void startCcsync(Clock clock) throws Exception {
        port = FreePort.get();
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", Integer.toString(port));
        settings.put("ccsync.db.url", "jdbc:h2:mem:ops-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("ccsync.delivery.check-names-at-start", "false");
        settings.put("ccsync.inbox.enabled", "false");
        settings.put("ccsync.crm.enabled", "false");
        settings.put("ccsync.optouts.enabled", "false"); // tests that want the opt-out poll turn it on
        settings.put("camel.metrics.enabled", Boolean.toString(prometheusOnClasspath()));
        ccsync = RunningCcsync.start(settings, Map.of("clock", clock));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode tokenCheck() throws Exception {
        JsonNode health = new ObjectMapper().readTree(get("/observe/health?data=true").body());
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("ccsync-token")) {
                return check;
            }
        }
        throw new AssertionError("no ccsync-token check in " + health);
    }

    private long tokenCalls() {
        return sandbox.requests().stream().filter(r -> r.path().endsWith("/v1/token")).count();
    }

    private static boolean prometheusOnClasspath() {
        try {
            Class.forName("org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = get("/observe/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void aFreshTokenIsHealthyWithItsSecondsLeftAndTheRefreshMode() throws Exception {
        start(Clock.systemUTC());

        JsonNode check = tokenCheck();

        assertThat(check.path("status").asText()).isEqualTo("UP");
        assertThat(check.path("data").path("token.state").asText()).isEqualTo("healthy");
        assertThat(check.path("data").path("token.seconds-left").asLong()).isBetween(500L, 600L);
        assertThat(check.path("data").path("token.refresh-mode").asText()).isEqualTo("unknown");
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenWithinTheRefreshMarginIsExpiringAndHealthCallsNeverRefreshIt() throws Exception {
        // ccsync's clock is 8 minutes ahead: 2 of the token's 10 minutes are left, inside the 5-minute margin.
        start(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(8)));
        int before = sandbox.refreshTokenCalls().succeeded();
        long tokenCallsBefore = tokenCalls();

        for (int i = 0; i < 5; i++) {
            JsonNode check = tokenCheck();
            assertThat(check.path("status").asText()).isEqualTo("UP");
            assertThat(check.path("data").path("token.state").asText()).isEqualTo("expiring");
            assertThat(check.path("data").path("token.seconds-left").asLong()).isBetween(60L, 120L);
            assertThat(check.path("message").asText()).contains("refreshed before the next API call");
        }

        assertThat(sandbox.refreshTokenCalls().succeeded()).isEqualTo(before);
        assertThat(sandbox.refreshTokenCalls().rejected()).isZero();
        assertThat(tokenCalls()).isEqualTo(tokenCallsBefore);
    }

    @Test
    void reauthorizationNeededIsReadinessDownWithTheReason() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true));
        FileTokenStore store = (FileTokenStore) SandboxFixture.authorize(sandbox, dir.resolve("tokens.json"));
        store.write(store.read().reauthorizationNeeded("the refresh token was rejected (invalid_grant): it was used "
                + "elsewhere or expired. Run `ccsync authorize` once to reconnect.", Instant.now()));
        startCcsync(Clock.systemUTC());

        HttpResponse<String> ready = get("/observe/health/ready?data=true");
        JsonNode check = tokenCheck();

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(check.path("status").asText()).isEqualTo("DOWN");
        assertThat(check.path("message").asText()).contains("invalid_grant").contains("ccsync authorize");
        assertThat(check.path("data").path("token.state").asText()).isEqualTo("reauthorization-needed");
        assertThat(sandbox.refreshTokenCalls().succeeded() + sandbox.refreshTokenCalls().rejected()).isZero();
        if (prometheusOnClasspath()) {
            assertThat(metrics()).contains("ccsync_token_reauthorization_needed 1.0");
        }
    }

    @Test
    void metricsShowTheTokenGaugesRefreshesByOutcomeAndCountsByName() throws Exception {
        assumeThat(prometheusOnClasspath()).as("/observe/metrics needs camel-micrometer-prometheus in pom.xml").isTrue();
        start(Clock.systemUTC());

        ccsync.bean("tokenCache", TokenCache.class).refreshNow();
        Metrics metrics = ccsync.bean("metrics", Metrics.class);
        metrics.contacts("delivered", 18);
        metrics.contacts("rejected", 2);
        metrics.apiCall("/contacts", 200);

        String body = metrics();
        assertThat(body).contains("# TYPE ccsync_token_seconds_remaining gauge")
                .containsPattern("ccsync_token_seconds_remaining (5\\d\\d|600)\\.0")
                .contains("ccsync_token_reauthorization_needed 0.0")
                .contains("ccsync_token_refreshes_total{outcome=\"ok\"} 1.0")
                .contains("ccsync_contacts_total{outcome=\"delivered\"} 18.0")
                .contains("ccsync_contacts_total{outcome=\"rejected\"} 2.0")
                .contains("ccsync_api_calls_total{endpoint=\"/contacts\",status=\"200\"} 1.0")
                .contains("ccsync_api_quota_limit 10000.0")
                .containsPattern("ccsync_api_quota_used \\d+\\.0");
    }
}
