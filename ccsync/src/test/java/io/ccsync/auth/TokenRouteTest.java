package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;

/** The token route and the TokenProcessor against the sandbox over real HTTP. */
class TokenRouteTest {
    /** A route shaped like every route that calls the API: the TokenProcessor in front of the HTTP call. */
    private static final String API_PROBE = """
            - route:
                id: api-probe
                from:
                  uri: direct:api-probe
                  steps:
                    - process:
                        ref: tokenProcessor
                    - setHeader:
                        name: CamelHttpMethod
                        constant: GET
                    - to:
                        uri: "{{ccsync.api.base-url}}/contacts"
                        parameters:
                          limit: 1
            """;

    /** A consumer that feeds the API, gated like the real sources. */
    private static final String GATED_SOURCE = """
            - route:
                id: gated-source
                routePolicy: reauthorizationGate
                from:
                  uri: timer:gated
                  parameters:
                    period: 60000
                  steps:
                    - log:
                        message: tick
            """;

    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;

    @AfterEach
    void stop() {
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private void start(SandboxOptions options, Map<String, Object> beans) {
        sandbox = Sandbox.start(options.withPort(0).withAutoApprove(true));
        SandboxFixture.authorize(sandbox, dir.resolve("tokens.json"));
        ccsync = RunningCcsync.start(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")), beans)
                .withYamlRoutes("api-probe", API_PROBE);
    }

    private TokenState stored() {
        return new FileTokenStore(dir.resolve("tokens.json")).read();
    }

    @Test
    void aRefreshStoresTheRotatedPairAndTheOldRefreshTokenIsDead() throws Exception {
        start(SandboxOptions.defaults().withRefreshMode(RefreshMode.ROTATING), Map.of());
        String before = stored().refreshToken();

        ccsync.bean("tokenCache", TokenCache.class).refreshNow();

        TokenState after = stored();
        assertThat(after.refreshToken()).isNotEqualTo(before);
        assertThat(after.refreshMode()).isEqualTo(TokenState.RefreshMode.ROTATING);
        assertThat(after.refreshStartedAt()).as("crash marker cleared").isNull();
        assertThat(after.lastRefreshOutcome()).isEqualTo("ok");
        HttpResponse<String> reuse = SandboxFixture.refreshDirectly(sandbox, before);
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(reuse.body()).contains("invalid_grant");
    }

    @Test
    void longLivedModeKeepsTheRefreshTokenAndSaysSo() {
        start(SandboxOptions.defaults().withRefreshMode(RefreshMode.LONG_LIVED), Map.of());
        String before = stored().refreshToken();

        ccsync.bean("tokenCache", TokenCache.class).refreshNow();

        assertThat(stored().refreshToken()).isEqualTo(before);
        assertThat(stored().refreshMode()).isEqualTo(TokenState.RefreshMode.LONG_LIVED);
    }

    @Test
    void manyThreadsThroughManyExpiriesGetOneRefreshPerExpiryAndNo401() throws Exception {
        start(SandboxOptions.defaults().withRefreshMode(RefreshMode.ROTATING).withAccessTtl(Duration.ofSeconds(4))
                .withRateLimit(100_000).withDailyLimit(10_000_000), Map.of());
        int threads = 64;
        // 4-second tokens: a refresh due every 2 s. The suite runs 12 s (6 expiries); -Dccsync.traffic.seconds=3600
        // runs the hour of the README's reliability table (1,800 expiries).
        Duration traffic = Duration.ofSeconds(Long.getLong("ccsync.traffic.seconds", 12));
        Instant end = Instant.now().plus(traffic);
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                while (Instant.now().isBefore(end) && failures.isEmpty()) {
                    try {
                        ccsync.template().requestBody("direct:api-probe", null, String.class);
                        calls.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(traffic.toSeconds() + 60, TimeUnit.SECONDS)).isTrue();

        assertThat(failures).isEmpty();
        assertThat(calls.get()).isGreaterThan(threads);
        var refreshes = sandbox.refreshTokenCalls();
        assertThat(refreshes.rejected()).as("invalid_grant").isZero();
        long expected = traffic.toMillis() / 2000 + 1;
        System.out.printf("traffic: %d API calls from %d threads in %d s, %d refreshes, %d invalid_grant%n",
                calls.get(), threads, traffic.toSeconds(), refreshes.succeeded(), refreshes.rejected());
        assertThat(refreshes.succeeded()).isBetween(1, (int) expected + 1);
        assertThat(sandbox.requests()).noneMatch(r -> r.path().startsWith("/v3") && r.status() == 401);
    }

    @Test
    void a401OnTheCurrentTokenRefreshesOnceAndTheCallSucceedsOnRetry() {
        // ccsync's clock runs 30 s behind the server: it believes a 5-second token is still good; the API says 401.
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-30));
        start(SandboxOptions.defaults().withAccessTtl(Duration.ofSeconds(5)), Map.of("clock", late));
        await().atMost(Duration.ofSeconds(10)).until(() -> stored().accessToken() != null
                && AccessToken.parse(stored().accessToken()).expiresAt().isBefore(Instant.now()));

        String body = ccsync.template().requestBody("direct:api-probe", null, String.class);

        assertThat(body).contains("contacts");
        List<LoggedRequest> api = sandbox.requests().stream().filter(r -> r.path().startsWith("/v3/contacts")).toList();
        assertThat(api).extracting(LoggedRequest::status).containsExactly(401, 200);
        assertThat(sandbox.refreshTokenCalls().succeeded()).isEqualTo(1);
    }

    @Test
    void aSecond401AfterAFreshRefreshFailsTheCallWithAClearMessage() throws Exception {
        // Tokens from one server, the API on another that does not accept them: the refresh cannot help.
        try (Sandbox otherApi = Sandbox.start(SandboxOptions.defaults().withPort(0))) {
            sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true));
            SandboxFixture.authorize(sandbox, dir.resolve("tokens.json"));
            Map<String, String> settings = new java.util.HashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
            settings.put("ccsync.api.base-url", otherApi.apiUrl());
            ccsync = RunningCcsync.start(settings, Map.of()).withYamlRoutes("api-probe", API_PROBE);
            var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
            logged.start();
            var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.addAppender(logged);
            try {
                assertThatThrownBy(() -> ccsync.template().requestBody("direct:api-probe", null, String.class))
                        .hasRootCauseInstanceOf(org.apache.camel.http.base.HttpOperationFailedException.class);
            } finally {
                root.detachAppender(logged);
            }

            assertThat(otherApi.requests()).filteredOn(r -> r.path().startsWith("/v3/contacts"))
                    .extracting(LoggedRequest::status).containsExactly(401, 401);
            assertThat(sandbox.refreshTokenCalls().succeeded()).isEqualTo(1);
            assertThat(logged.list).anyMatch(e -> e.getFormattedMessage().contains("refused the access token twice")
                    && e.getFormattedMessage().contains("ccsync authorize"));
        }
    }

    @Test
    void theScheduledRouteRefreshesAheadWithoutAnyApiTraffic() {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withAccessTtl(Duration.ofSeconds(6)));
        SandboxFixture.authorize(sandbox, dir.resolve("tokens.json"));
        Map<String, String> settings = new java.util.HashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        settings.put("ccsync.token.scheduler-enabled", "true");
        settings.put("ccsync.optouts.enabled", "false");
        settings.put("ccsync.token.refresh-cron", "0/1 * * * * ?"); // Quartz, every second
        settings.put("ccsync.delivery.check-names-at-start", "false"); // nothing but the scheduler may call out
        ccsync = RunningCcsync.start(settings, Map.of());
        String first = stored().accessToken();

        // 6-second tokens: the proactive window (1 h, capped at half the lifetime) opens 3 s before exp.
        await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.refreshTokenCalls().succeeded() >= 2);

        assertThat(stored().accessToken()).isNotEqualTo(first);
        assertThat(sandbox.requests()).noneMatch(r -> r.path().startsWith("/v3"));
    }

    @Test
    void invalidGrantStopsTheApiRoutesWithoutARetryStorm() throws Exception {
        start(SandboxOptions.defaults().withRefreshMode(RefreshMode.ROTATING), Map.of());
        ccsync.withYamlRoutes("gated-source", GATED_SOURCE);
        assertThat(ccsync.context().getRouteController().getRouteStatus("gated-source"))
                .isEqualTo(ServiceStatus.Started);
        // Someone else spends the refresh token (another tool, a copied token file): ours is now dead.
        assertThat(SandboxFixture.refreshDirectly(sandbox, stored().refreshToken()).statusCode()).isEqualTo(200);
        TokenCache cache = ccsync.bean("tokenCache", TokenCache.class);

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(cache::refreshNow).isInstanceOf(ReauthorizationRequiredException.class)
                    .hasMessageContaining("ccsync authorize");
            assertThatThrownBy(() -> ccsync.template().requestBody("direct:api-probe", null, String.class))
                    .isInstanceOf(CamelExecutionException.class)
                    .hasRootCauseInstanceOf(ReauthorizationRequiredException.class);
        }

        assertThat(sandbox.refreshTokenCalls().rejected()).isEqualTo(1);
        assertThat(stored().reauthorization()).contains("invalid_grant").contains("ccsync authorize");
        assertThat(org.apache.camel.support.service.ServiceHelper.isStopped(
                ccsync.context().getRoute("gated-source").getConsumer())).isTrue();
    }

    @Test
    void aFileRouteTakesNoWorkUntilAuthorizedAndResumesOnItsOwn() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true));
        Path inbox = Files.createDirectories(dir.resolve("gated-inbox"));
        ccsync = RunningCcsync.start(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")), Map.of())
                .withYamlRoutes("gated-files", """
                        - route:
                            id: gated-files
                            routePolicy: reauthorizationGate
                            from:
                              uri: "file:%s"
                              parameters:
                                delay: 100
                              steps:
                                - log:
                                    message: "took ${header.CamelFileName}"
                        """.formatted(inbox));
        var consumer = ccsync.context().getRoute("gated-files").getConsumer();
        await().atMost(Duration.ofSeconds(10)).until(() -> org.apache.camel.support.service.ServiceHelper.isStopped(consumer));
        Files.writeString(inbox.resolve("contacts.csv"), "email\na@example.com\n");
        assertThat(inbox.resolve("contacts.csv")).as("not taken while unauthorized").exists();

        SandboxFixture.authorize(sandbox, dir.resolve("tokens.json")); // a person ran `ccsync authorize`
        ccsync.bean("tokenCache", TokenCache.class).refreshAhead();     // the scheduled check notices

        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(inbox.resolve("contacts.csv")));
    }

    @Test
    void aTokenEndpointAnsweringWithAnHtmlPageIsNamed() {
        start(SandboxOptions.defaults(), Map.of());
        ccsync.close();
        Map<String, String> settings = new java.util.HashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        settings.put("ccsync.oauth.token-url", sandbox.authorizeUrl()); // the classic mix-up
        settings.put("ccsync.token.retry.attempts", "0");
        ccsync = RunningCcsync.start(settings, Map.of());

        assertThatThrownBy(() -> ccsync.bean("tokenCache", TokenCache.class).refreshNow())
                .hasMessageContaining("HTML page").hasMessageContaining("ccsync.oauth.token-url");
        assertThat(stored().refreshStartedAt()).as("marker cleared after a failure").isNull();
        assertThat(stored().lastRefreshOutcome()).contains("HTML page");
    }

    @Test
    void serverErrorsAreRetriedAFewTimesThenTheCurrentPairIsKept() {
        start(SandboxOptions.defaults().withTokenRateLimit(100), Map.of());
        ccsync.close();
        Map<String, String> settings = new java.util.HashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        settings.put("ccsync.token.retry.attempts", "2");
        settings.put("ccsync.token.retry.delay", "50");
        ccsync = RunningCcsync.start(settings, Map.of());
        String before = stored().refreshToken();
        sandbox.setFailRate(1.0);

        assertThatThrownBy(() -> ccsync.bean("tokenCache", TokenCache.class).refreshNow())
                .isInstanceOf(TokenEndpointException.class).hasMessageContaining("HTTP 5");

        long tokenCalls = sandbox.requests().stream().filter(r -> r.path().endsWith("/v1/token")).count();
        assertThat(tokenCalls).as("login + first attempt + 2 retries").isEqualTo(4);
        assertThat(stored().refreshToken()).isEqualTo(before);
        assertThat(stored().lastRefreshOutcome()).contains("HTTP 5");
    }

    @Test
    void aRefreshInterruptedAfterItsAnswerArrivedIsFinishedAtTheNextStart() throws Exception {
        start(SandboxOptions.defaults().withRefreshMode(RefreshMode.ROTATING), Map.of());
        ccsync.close();
        // The crash: marker written, the server rotated and answered, the answer kept, the process killed.
        FileTokenStore store = new FileTokenStore(dir.resolve("tokens.json"));
        TokenState marked = store.read().refreshStarting(Instant.now());
        store.write(marked);
        HttpResponse<String> answer = SandboxFixture.refreshDirectly(sandbox, marked.refreshToken());
        assertThat(answer.statusCode()).isEqualTo(200);
        store.keepIncoming(answer.body());

        ccsync = RunningCcsync.start(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")), Map.of());

        TokenState after = stored();
        assertThat(after.refreshToken()).isNotEqualTo(marked.refreshToken());
        assertThat(after.refreshStartedAt()).isNull();
        assertThat(store.incoming()).isEmpty();
        ccsync.bean("tokenCache", TokenCache.class).refreshNow(); // the chain goes on
        assertThat(sandbox.refreshTokenCalls().rejected()).isZero();
    }
}
