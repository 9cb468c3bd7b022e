package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.Postgres;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several ccsync nodes sharing one PostgreSQL through the jdbc token store, against the sandbox in rotating mode:
 * each node is a real token runtime (camel-main, the token route, its own pool), as `ccsync run` builds it.
 */
class JdbcTokenClusterTest {
    private static final String KEY = randomKey();

    @TempDir
    Path dir;

    private final String account = "cluster-" + UUID.randomUUID();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Sandbox sandbox;
    private JdbcTokenStore store;
    private HikariDataSource db;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The sandbox, and tokens from a real authorization stored in PostgreSQL as `ccsync authorize` stores them. */
    private void authorized(SandboxOptions options) throws Exception {
        sandbox = Sandbox.start(options.withPort(0).withAutoApprove(true).withRefreshMode(RefreshMode.ROTATING));
        open.add(sandbox);
        db = io.ccsync.store.DatabaseConfiguration.pool("test", Postgres.url(), "postgres", null);
        open.add(db);
        io.ccsync.store.DatabaseConfiguration.applySchema(db);
        store = new JdbcTokenStore(db, db.getJdbcUrl(), account, TokenCipher.fromSetting(KEY), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
        TokenResponse response = TokenResponse.read(200, "application/json", SandboxLogin.login(sandbox),
                TokenResponse.Grant.AUTHORIZATION_CODE, oauth(), Instant.now());
        store.write(store.read().authorized(response, Instant.now()));
    }

    private Map<String, String> settings() {
        Map<String, String> s = new java.util.LinkedHashMap<>(SandboxFixture.settings(sandbox, dir.resolve("none.json")));
        s.put("ccsync.token.store", "jdbc");
        s.put("ccsync.db.url", Postgres.url());
        s.put("ccsync.db.user", "postgres");
        s.put("ccsync.token.account", account);
        s.put("ccsync.token.encryption-key", KEY);
        s.put("ccsync.token.lease", "5s");
        s.put("ccsync.token.scheduler-enabled", "false");
        s.put("ccsync.optouts.enabled", "false");
        s.put("ccsync.token.retry.delay", "200");
        return s;
    }

    private OAuthSettings oauth() {
        return OAuthSettings.from(key -> settings().getOrDefault(key, "contact_data offline_access"));
    }

    /** One more ccsync node on the shared database. */
    private TokenRuntime node() {
        TokenRuntime node = TokenRuntime.start(settings());
        open.add(node);
        return node;
    }

    @Test
    void twoNodesUnderLoadRefreshOncePerExpiryAndNeverSpendARefreshTokenTwice() throws Exception {
        // 4-second tokens: a refresh is due every 1 to 2 s (JWT times are whole seconds). The token endpoint keeps
        // its real limit of one call per second, so a second refresh for the same expiry would also show as a 429.
        authorized(SandboxOptions.defaults().withAccessTtl(Duration.ofSeconds(4)).withRateLimit(100_000)
                .withDailyLimit(10_000_000));
        List<TokenRuntime> nodes = List.of(node(), node());
        Duration traffic = Duration.ofSeconds(Long.getLong("ccsync.traffic.seconds", 12));
        Instant end = Instant.now().plus(traffic);
        HttpClient http = HttpClient.newHttpClient();
        int threadsPerNode = 8;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<AtomicInteger> served = List.of(new AtomicInteger(), new AtomicInteger());
        Set<String> tokens = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerNode);
        for (int t = 0; t < 2 * threadsPerNode; t++) {
            int n = t % 2;
            TokenCache cache = nodes.get(n).tokenCache();
            pool.execute(() -> {
                while (Instant.now().isBefore(end) && failures.isEmpty()) {
                    try {
                        AccessToken token = cache.accessToken();
                        if (!token.expiresAt().isAfter(Instant.now())) {
                            throw new AssertionError("an expired token was handed out");
                        }
                        tokens.add(token.value());
                        served.get(n).incrementAndGet();
                        HttpResponse<String> api = http.send(HttpRequest.newBuilder(
                                URI.create(sandbox.apiUrl() + "/contacts?limit=1"))
                                .header("Authorization", "Bearer " + token.value()).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (api.statusCode() != 200) {
                            throw new AssertionError("the API answered " + api.statusCode() + " to a served token");
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(traffic.toSeconds() + 60, TimeUnit.SECONDS)).isTrue();

        assertThat(failures).isEmpty();
        var calls = sandbox.refreshTokenCalls();
        List<Instant> refreshes = sandbox.requests().stream()
                .filter(r -> r.path().endsWith("/v1/token") && r.status() == 200).map(LoggedRequest::at)
                .skip(1) // the authorization code exchange
                .toList();
        System.out.printf("cluster: %s tokens served by two nodes, %d refreshes, %d invalid_grant, %d throttled%n",
                served, calls.succeeded(), calls.rejected(), calls.throttled());
        assertThat(calls.rejected()).as("invalid_grant answers").isZero();
        assertThat(calls.throttled()).as("token calls within a second of another").isZero();
        assertThat(served).allSatisfy(count -> assertThat(count.get()).isPositive());
        assertThat(refreshes).hasSize(calls.succeeded());
        long seconds = traffic.toSeconds();
        assertThat(calls.succeeded()).isBetween((int) (seconds / 2 - 1), (int) (seconds + 1));
        for (int i = 1; i < refreshes.size(); i++) {
            assertThat(Duration.between(refreshes.get(i - 1), refreshes.get(i)))
                    .as("refresh %d came after refresh %d: one refresh per expiry", i + 1, i)
                    .isGreaterThan(Duration.ofMillis(900));
        }
        // Every refresh wrote exactly twice (crash marker, new pair): no node wrote for a refresh it did not make.
        TokenState last = store.read();
        assertThat(last.version()).isEqualTo(1 + 2L * calls.succeeded());
        assertThat(tokens.size()).as("tokens served: one per refresh, and the first maybe").isBetween(calls.succeeded(), calls.succeeded() + 1);
        assertThat(last.refreshMode()).isEqualTo(TokenState.RefreshMode.ROTATING);
    }

    @Test
    void aRefreshInterruptedOnADeadNodeIsFinishedByAnotherFromTheKeptAnswer() throws Exception {
        authorized(SandboxOptions.defaults());
        TokenRuntime survivor = node();
        String before = store.read().refreshToken();

        // Another node dies mid-refresh: marker stored, the server rotated and answered, the answer kept, lease held.
        TokenState marked = store.read().refreshStarting(Instant.now());
        store.write(marked);
        HttpResponse<String> answer = SandboxFixture.refreshDirectly(sandbox, marked.refreshToken());
        assertThat(answer.statusCode()).isEqualTo(200);
        store.keepIncoming(answer.body());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE token_state SET lease_holder = 'dead-node/1/x#1', lease_until = ? WHERE account = ?")) {
            ps.setObject(1, OffsetDateTime.now().plusSeconds(2));
            ps.setString(2, account);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        AccessToken token = survivor.tokenCache().refreshNow();

        TokenState after = store.read();
        assertThat(after.refreshToken()).isNotEqualTo(before);
        assertThat(after.refreshStartedAt()).isNull();
        assertThat(token.value()).isEqualTo(after.accessToken());
        assertThat(store.incoming()).isEmpty();
        assertThat(sandbox.refreshTokenCalls().succeeded()).as("finished from the kept answer, no call").isEqualTo(1);
        survivor.tokenCache().refreshNow(); // the chain goes on
        assertThat(sandbox.refreshTokenCalls().rejected()).isZero();
        assertThat(sandbox.refreshTokenCalls().succeeded()).isEqualTo(2);
    }

    @Test
    void aNodeThatStartsAfterACrashFinishesTheRefreshFromTheKeptAnswer() throws Exception {
        authorized(SandboxOptions.defaults());
        TokenState marked = store.read().refreshStarting(Instant.now());
        store.write(marked);
        HttpResponse<String> answer = SandboxFixture.refreshDirectly(sandbox, marked.refreshToken());
        store.keepIncoming(answer.body());

        node(); // at start

        assertThat(store.read().refreshToken()).isNotEqualTo(marked.refreshToken());
        assertThat(store.read().refreshStartedAt()).isNull();
        assertThat(store.incoming()).isEmpty();
    }

    @Test
    void invalidGrantAfterAnotherNodeRotatedUsesItsPairInsteadOfDeclaringReauthorization() throws Exception {
        authorized(SandboxOptions.defaults());
        TokenState marked = store.read().refreshStarting(Instant.now());
        store.write(marked);
        // While our call was in flight, another node stored a newer pair (it held the lease after ours ran out).
        TokenState theirs = marked.refreshed(new TokenResponse(AccessToken.parse(marked.accessToken()),
                "their-new-refresh-token", marked.scope()), Instant.now());
        store.write(theirs);
        TokenRefreshSteps steps = new TokenRefreshSteps(store, oauth(), Clock.systemUTC(), 0);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setProperty(TokenRefreshSteps.MARKED_STATE, marked);
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody("{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is "
                    + "invalid or expired.\"}");

            TokenState result = steps.response(exchange);

            assertThat(result.refreshToken()).isEqualTo("their-new-refresh-token");
            assertThat(store.read().reauthorization()).isNull();
            assertThat(store.read().version()).isEqualTo(theirs.version());
        }
    }

    @Test
    void aNodeFrozenPastItsLeaseAfterTheServerRotatedIsTheOneNamedLossAndItsStaleAnswerNeverEntersTheRow()
            throws Exception {
        // A real freeze: a ccsync child process refreshing back to back is stopped with SIGSTOP while its token call
        // is at the server, kept stopped until the server has rotated for it and its lease has run out, then another
        // node refreshes, then the child gets SIGCONT. The server rotated for a node that could not keep the answer:
        // no client can save that pair (it is in the frozen process only), so the other node's refresh is refused and
        // says `ccsync authorize`. This is the one unrecoverable case, named: what fencing guarantees is that the
        // woken node then neither keeps its stale answer in the row, nor retries, nor overwrites the verdict.
        authorized(SandboxOptions.defaults().withTokenRateLimit(100));
        Map<String, String> childSettings = new java.util.LinkedHashMap<>(settings());
        childSettings.put("ccsync.token.lease", "3s");
        childSettings.put("ccsync.token.retry.attempts", "0");
        List<String> command = new java.util.ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RefreshLoop.class.getName()));
        childSettings.forEach((k, v) -> command.add(k + "=" + v));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                lines.lines().forEach(output::add);
            } catch (java.io.IOException ignored) {
                // the child ended
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> refreshed(output) > 0);
            sandbox.setLatency(Duration.ofMillis(1500)); // the calls stay at the server long enough to freeze one
            long slow = refreshed(output) + 2; // from here on every call is a slow one
            await().atMost(Duration.ofSeconds(30)).until(() -> refreshed(output) >= slow);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> markerWithoutKeptAnswer(rowOf()));
            int rotationsBefore = sandbox.refreshTokenCalls().succeeded();
            Thread.sleep(200); // the request leaves within milliseconds of the marker; the server holds it 1.5 s
            signal(child, "STOP");
            await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.refreshTokenCalls().succeeded()
                    > rotationsBefore); // the server rotated for the frozen child
            sandbox.setLatency(Duration.ZERO);

            TokenRuntime other = node(); // waits out the frozen child's lease (3 s), then refreshes
            assertThatThrownBy(() -> other.tokenCache().refreshNow())
                    .isInstanceOf(ReauthorizationRequiredException.class).hasMessageContaining("ccsync authorize");
            TokenState verdict = store.read();
            assertThat(verdict.reauthorization()).isNotNull();
            int callsBeforeWaking = sandbox.refreshTokenCalls().total();

            long refreshedBeforeWaking = refreshed(output);
            signal(child, "CONT");
            await().atMost(Duration.ofSeconds(30)).until(() -> output.stream()
                    .anyMatch(l -> l.startsWith("FAILED") || l.startsWith("LOST")));
            String said = output.stream().filter(l -> l.startsWith("FAILED") || l.startsWith("LOST")).findFirst()
                    .orElseThrow();
            assertThat(said).startsWith("FAILED").contains("taken over")
                    .contains("keeping the token answer was refused");
            assertThat(refreshed(output)).isEqualTo(refreshedBeforeWaking);
            assertThat(store.incoming()).as("the stale answer never entered the row").isEmpty();
            assertThat(store.read().version()).as("the verdict is not overwritten").isEqualTo(verdict.version());
            assertThat(sandbox.refreshTokenCalls().total()).as("no retry after waking").isEqualTo(callsBeforeWaking);
        } finally {
            signal(child, "CONT");
            child.destroyForcibly();
        }
    }

    private Object[] rowOf() throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT refresh_started_at, incoming FROM token_state WHERE account = ?")) {
            ps.setString(1, account);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? new Object[] {rs.getObject(1), rs.getString(2)} : new Object[2];
            }
        }
    }

    private static long refreshed(List<String> output) {
        return output.stream().filter(l -> l.startsWith("REFRESHED")).count();
    }

    private static boolean markerWithoutKeptAnswer(Object[] row) {
        return row[0] != null && row[1] == null;
    }

    private static void signal(Process process, String signal) throws Exception {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
