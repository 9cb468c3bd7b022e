package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.Postgres;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults after the token endpoint answered 200, through the real token route against the sandbox over real HTTP: the
 * store failing once (an unwritable folder; a dropped PostgreSQL connection), a 200 without a refresh token, a 200
 * whose access token fails validation or is encrypted, and the configuration refusals. In each the chain survives,
 * checked with the sandbox's own view of which refresh token is alive.
 */
class RefreshFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;
    private HttpServer proxy;
    private HikariDataSource pool;
    /** What the proxy in front of the sandbox's token endpoint does to the sandbox's real answer. */
    private volatile UnaryOperator<String> tamper = UnaryOperator.identity();

    @AfterEach
    void stop() throws IOException {
        if (ccsync != null) {
            ccsync.close();
        }
        if (proxy != null) {
            proxy.stop(0);
        }
        if (pool != null) {
            pool.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aFileStoreWriteFailingOnceAfterA200IsFinishedFromTheKeptAnswerWithoutSpendingTheOldToken() {
        start(RefreshMode.ROTATING);
        Path folder = dir.resolve("tokens");
        Path backup = folder.resolve("tokens.json.bak");
        FaultyStore store = new FaultyStore(new FileTokenStore(folder.resolve("tokens.json")), () -> {
            // A real I/O failure of the pair's write, even for root: the rename onto the backup meets a directory.
            deleteTree(backup);
            createDirectories(backup.resolve("in-the-way"));
            return () -> deleteTree(backup);
        });
        authorizeAndRun(store, Map.of("ccsync.token.file", folder.resolve("tokens.json").toString()));
        String before = store.read().refreshToken();

        assertThatThrownBy(() -> cache().refreshNow()).hasMessageContaining("cannot write the token file");
        assertThat(store.incoming()).as("the answer stays kept").isPresent();

        cache().refreshNow(); // the next attempt stores the kept pair instead of spending the old token
        assertChainSurvived(before, store.read(), 1);
        cache().refreshNow(); // and the chain goes on
        assertChainSurvived(before, store.read(), 2);
    }

    @Test
    void aJdbcStoreWriteFailingOnceOnADroppedConnectionIsFinishedAtTheNextStart() throws Exception {
        start(RefreshMode.ROTATING);
        OnPostgres postgres = onPostgres();
        JdbcTokenStore jdbc = postgres.store();
        FaultyStore store = postgres.droppingTheConnectionOf(FaultyStore.Step.WRITE_PAIR);
        authorizeAndRun(store, postgres.settings());
        String before = store.read().refreshToken();

        assertThatThrownBy(() -> cache().refreshNow()).hasMessageContaining("cannot write the tokens to");
        assertThat(jdbc.incoming()).as("the answer stays kept in the row").isPresent();
        assertThat(jdbc.read().refreshStartedAt()).as("the crash marker stays").isNotNull();
        ccsync.close();

        ccsync = RunningCcsync.start(settings(postgres.settings()), Map.of("tokenStore", jdbc)); // finishes at start
        assertThat(jdbc.incoming()).isEmpty();
        assertThat(sandbox.refreshTokenUsable(jdbc.read().refreshToken())).isTrue();
        cache().refreshNow();

        assertChainSurvived(before, jdbc.read(), 2);
    }

    @Test
    void a200WithoutARefreshTokenMeansUnchanged() {
        FileTokenStore store = authorizedAndRunning(RefreshMode.LONG_LIVED, Map.of());
        TokenState before = store.read();
        tamper = body -> edit(body, json -> json.remove("refresh_token"));

        AccessToken fresh = cache().refreshNow();

        TokenState after = store.read();
        assertThat(after.refreshToken()).isEqualTo(before.refreshToken());
        assertThat(after.accessToken()).isEqualTo(fresh.value()).isNotEqualTo(before.accessToken());
        assertThat(after.lastRefreshOutcome()).isEqualTo("ok");
        assertThat(after.refreshMode()).isEqualTo(TokenState.RefreshMode.LONG_LIVED);
    }

    @Test
    void a200WhoseAccessTokenFailsValidationKeepsTheRotatedRefreshToken() {
        FileTokenStore store = authorizedAndRunning(RefreshMode.ROTATING, Map.of());
        String before = store.read().refreshToken();
        tamper = body -> edit(body, json -> json.put("scope", "offline_access")); // contact_data not granted

        assertThatThrownBy(() -> cache().refreshNow()).isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("contact_data");

        TokenState after = store.read();
        assertThat(after.refreshToken()).as("the rotated refresh token is stored").isNotEqualTo(before);
        assertThat(sandbox.refreshTokenUsable(after.refreshToken())).isTrue();
        assertThat(after.lastRefreshOutcome()).contains("contact_data");
        assertThat(store.incoming()).isEmpty();
        tamper = UnaryOperator.identity();
        cache().refreshNow();
        assertChainSurvived(before, store.read(), 2);
    }

    @Test
    void anEncryptedAccessTokenIsAClearErrorAndTheRefreshTokenSurvives() {
        FileTokenStore store = authorizedAndRunning(RefreshMode.ROTATING, Map.of());
        String before = store.read().refreshToken();
        // A JWE: header {"alg":"RSA-OAEP-256","enc":"A256GCM"}, then key, iv, ciphertext and tag.
        tamper = body -> edit(body, json -> json.put("access_token",
                "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.a2V5.aXY.Y2lwaGVydGV4dA.dGFn"));

        assertThatThrownBy(() -> cache().refreshNow()).isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("encrypted (a JWE").hasMessageContaining("ccsync.oauth.token-url");

        assertThat(sandbox.refreshTokenUsable(store.read().refreshToken())).isTrue();
        assertThat(store.read().refreshToken()).isNotEqualTo(before);
    }

    @Test
    void invalidClientStopsWorkOnceWithTheFixAndNoMoreTokenCalls() {
        FileTokenStore store = authorizedAndRunning(RefreshMode.ROTATING, Map.of("ccsync.oauth.client-secret",
                "not-the-secret", "ccsync.token.retry.attempts", "3"));
        String before = store.read().refreshToken();

        assertThatThrownBy(() -> cache().refreshNow()).isInstanceOf(ReauthorizationRequiredException.class)
                .hasMessageContaining("CC_CLIENT_SECRET").hasMessageContaining("restart ccsync");
        long calls = tokenCalls();
        assertThatThrownBy(() -> cache().accessToken()).isInstanceOf(ReauthorizationRequiredException.class)
                .hasMessageContaining("CC_CLIENT_SECRET");
        assertThat(cache().refreshAhead()).startsWith("waiting for a person");

        assertThat(tokenCalls()).as("no retry, no call after the verdict").isEqualTo(calls).isEqualTo(2);
        assertThat(cache().usable()).isFalse();
        assertReadinessDown("CC_CLIENT_SECRET");
        assertThat(sandbox.refreshTokenUsable(before)).as("the refresh token was not spent").isTrue();
        assertThat(store.read().refreshStartedAt()).as("no crash marker left for the next start to warn of")
                .isNull();
        assertThat(store.read().lastRefreshOutcome()).contains("CC_CLIENT_SECRET");
    }

    @Test
    void storedTokensOfAnotherClientAreRefusedWithTheFixAndNeverSpent() {
        String other = "11111111-2222-4333-8444-555555555555";
        authorizedAndRunning(RefreshMode.ROTATING, Map.of("ccsync.oauth.client-id", other));

        assertThatThrownBy(() -> cache().refreshNow()).isInstanceOf(ReauthorizationRequiredException.class)
                .hasMessageContaining("issued to client " + sandbox.clientId())
                .hasMessageContaining("configured with client " + other).hasMessageContaining("ccsync authorize");
        assertThat(cache().usable()).isFalse();
        assertThat(tokenCalls()).as("only the authorization").isEqualTo(1);
        assertReadinessDown("issued to client " + sandbox.clientId());
    }

    @Test
    void keepingTheAnswerFailingOnceAfterA200StillStoresThePair() {
        start(RefreshMode.ROTATING);
        Path tokens = dir.resolve("tokens.json");
        Path incoming = dir.resolve("tokens.json.incoming");
        FaultyStore store = new FaultyStore(new FileTokenStore(tokens), FaultyStore.Step.KEEP_ANSWER, () -> {
            createDirectories(incoming.resolve("in-the-way")); // a real I/O failure of the answer's write
            return () -> deleteTree(incoming);
        });
        authorizeAndRun(store, Map.of());
        String before = store.read().refreshToken();

        cache().refreshNow(); // the server rotated: the pair is stored without the journal

        assertChainSurvived(before, store.read(), 1);
        assertThat(store.incoming()).isEmpty();
        cache().refreshNow();
        assertChainSurvived(before, store.read(), 2);
    }

    @Test
    void aJdbcConnectionDroppedWhileKeepingOrClearingTheAnswerLosesNothingAndFailsNothing() throws Exception {
        start(RefreshMode.ROTATING);
        OnPostgres postgres = onPostgres();
        JdbcTokenStore jdbc = postgres.store();
        authorizeAndRun(postgres.droppingTheConnectionOf(FaultyStore.Step.KEEP_ANSWER), postgres.settings());
        String before = jdbc.read().refreshToken();

        cache().refreshNow();
        assertChainSurvived(before, jdbc.read(), 1);
        ccsync.close();

        ccsync = RunningCcsync.start(settings(postgres.settings()),
                Map.of("tokenStore", postgres.droppingTheConnectionOf(FaultyStore.Step.CLEAR_ANSWER)));
        cache().refreshNow(); // stored, then clearing the stale answer fails: the refresh succeeded all the same

        assertChainSurvived(before, jdbc.read(), 2);
        assertThat(jdbc.read().lastRefreshOutcome()).doesNotContain("failed");
        assertThat(jdbc.incoming()).as("stale: it holds the stored refresh token").isPresent();
        cache().refreshNow(); // drops it and goes on
        assertChainSurvived(before, jdbc.read(), 3);
    }

    // --- fixtures ---

    /** The sandbox in {@code mode}, a real authorization in the file store, and ccsync running on it as configured. */
    private FileTokenStore authorizedAndRunning(RefreshMode mode, Map<String, String> extra) {
        start(mode);
        FileTokenStore store = new FileTokenStore(dir.resolve("tokens.json"));
        authorize(store);
        ccsync = RunningCcsync.start(settings(extra), Map.of());
        return store;
    }

    /** A real authorization stored through {@code store}, then ccsync running with {@code store} as its token store. */
    /** A kept answer that cannot be read may hold the only live token: the refresh stops, spending nothing. */
    @Test
    void aKeptAnswerThatCannotBeReadStopsTheRefreshWithoutSpendingTheStoredToken() throws IOException {
        start(RefreshMode.ROTATING);
        Path file = dir.resolve("tokens").resolve("tokens.json");
        FileTokenStore store = new FileTokenStore(file);
        authorizeAndRun(store, Map.of("ccsync.token.file", file.toString()));
        String before = store.read().refreshToken();
        Path incoming = Files.createDirectories(file.resolveSibling("tokens.json.incoming")); // unreadable, even for root

        assertThatThrownBy(() -> cache().refreshNow()).hasMessageContaining("tokens.json.incoming")
                .hasMessageContaining("left in place");
        assertThat(sandbox.refreshTokenCalls().total()).as("token calls").isZero();

        Files.delete(incoming); // the person fixes it
        cache().refreshNow();
        assertChainSurvived(before, store.read(), 1);
    }

    /**
     * An authorization replaces the chain. An answer kept from the old chain (a refresh stopped before storing it) must
     * never be left beside the new pair, where the next refresh would take it for the newer answer and store the old
     * chain back: here deleting it fails once, and the authorization stores nothing rather than a mix.
     */
    @Test
    void anAuthorizationNeverStoresItsPairBesideAnAnswerKeptFromTheOldChain() {
        start(RefreshMode.ROTATING);
        FileTokenStore real = new FileTokenStore(dir.resolve("tokens").resolve("tokens.json"));
        authorize(real);
        TokenState old = real.read();
        real.keepIncoming(SandboxFixture.refreshDirectly(sandbox, old.refreshToken()).body()); // not stored: a crash
        FaultyStore store = new FaultyStore(real, FaultyStore.Step.CLEAR_ANSWER, () -> {
            throw new UncheckedIOException(new IOException("Input/output error"));
        });
        store.keepIncoming(real.incoming().orElseThrow()); // the wrapper learns that an answer is kept

        assertThatThrownBy(() -> authorize(store)).hasMessageContaining("Input/output error");

        assertThat(real.incoming()).as("the old chain's answer, still kept").isPresent();
        assertThat(real.read().version()).as("nothing stored beside it").isEqualTo(old.version());
        authorize(store); // the person runs it again
        assertThat(real.incoming()).isEmpty();
        assertThat(real.read().version()).isEqualTo(old.version() + 1);
        assertThat(sandbox.refreshTokenUsable(real.read().refreshToken())).isTrue();
    }

    private void authorizeAndRun(TokenStore store, Map<String, String> extra) {
        authorize(store);
        ccsync = RunningCcsync.start(settings(extra), Map.of("tokenStore", store));
    }

    /** A new PostgreSQL database with ccsync's schema, and the jdbc token store on a pool that can drop a connection. */
    private OnPostgres onPostgres() {
        String url = Postgres.newDatabase();
        pool = DatabaseConfiguration.pool("faults", url, "postgres", null);
        try {
            DatabaseConfiguration.applySchema(pool);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        DroppingDataSource db = new DroppingDataSource(pool);
        return new OnPostgres(new JdbcTokenStore(db, url, "default", TokenCipher.NONE, Duration.ofSeconds(60),
                Duration.ofSeconds(30)), db, Map.of("ccsync.token.store", "jdbc", "ccsync.db.url", url,
                "ccsync.db.user", "postgres"));
    }

    /** The jdbc store, its pool, and the settings that make ccsync use that database. */
    private record OnPostgres(JdbcTokenStore store, DroppingDataSource db, Map<String, String> settings) {
        /** The store whose connection for {@code step} of the first refresh is one the server has just terminated. */
        FaultyStore droppingTheConnectionOf(FaultyStore.Step step) {
            return new FaultyStore(store, step, () -> {
                db.dropNext.set(true);
                return () -> { };
            });
        }
    }

    private void start(RefreshMode mode) {
        sandbox = Sandbox.start(SandboxOptions.defaults().withRefreshMode(mode).withTokenRateLimit(100).withPort(0)
                .withAutoApprove(true));
        try {
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        proxy.createContext("/", exchange -> {
            try (exchange) {
                HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(sandbox.tokenUrl()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
                for (String header : new String[] {"Authorization", "Content-Type", "Accept"}) {
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst(header))
                            .ifPresent(v -> forward.header(header, v));
                }
                HttpResponse<String> answer = HttpClient.newHttpClient().send(forward.build(),
                        HttpResponse.BodyHandlers.ofString());
                String body = answer.statusCode() == 200 ? tamper.apply(answer.body()) : answer.body();
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.statusCode(), bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        proxy.start();
    }

    private Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        s.put("ccsync.oauth.token-url", "http://127.0.0.1:" + proxy.getAddress().getPort() + "/token");
        s.put("ccsync.token.retry.delay", "10");
        s.putAll(extra);
        return s;
    }

    /** A real authorization-code exchange with the sandbox, stored as `ccsync authorize` stores it. */
    private void authorize(TokenStore store) {
        OAuthSettings oauth = OAuthSettings.from(key -> settings(Map.of()).getOrDefault(key,
                "contact_data offline_access"));
        TokenResponse response = TokenResponse.read(200, "application/json", SandboxLogin.login(sandbox),
                TokenResponse.Grant.AUTHORIZATION_CODE, oauth, Instant.now());
        io.ccsync.auth.flow.Connected.save(store, response, Instant.now());
    }

    private TokenCache cache() {
        return ccsync.bean("tokenCache", TokenCache.class);
    }

    private void assertReadinessDown(String because) {
        org.apache.camel.health.HealthCheck.Result health = ccsync.bean("tokenHealthCheck",
                io.ccsync.ops.TokenHealthCheck.class).call();
        assertThat(health.getState()).isEqualTo(org.apache.camel.health.HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValueSatisfying(m -> assertThat(m).contains(because));
        assertThat(health.getDetails()).containsEntry("token.state", "configuration-refused");
    }

    private long tokenCalls() {
        return sandbox.requests().stream().map(LoggedRequest::path).filter(p -> p.endsWith("/v1/token")).count();
    }

    /** One more refresh token call than refreshes the test asked for would mean the old token was spent again. */
    private void assertChainSurvived(String first, TokenState now, int refreshes) {
        assertThat(now.refreshToken()).isNotEqualTo(first);
        assertThat(sandbox.refreshTokenUsable(now.refreshToken())).as("the stored refresh token is alive").isTrue();
        assertThat(sandbox.refreshTokenCalls().rejected()).as("invalid_grant answers").isZero();
        assertThat(sandbox.refreshTokenCalls().succeeded()).as("token calls").isEqualTo(refreshes);
        assertThat(now.reauthorization()).isNull();
    }

    private static String edit(String body, java.util.function.Consumer<ObjectNode> change) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(body);
            change.accept(json);
            return JSON.writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A real store whose first pair write after a kept answer meets a real fault, armed just before that write and
     * disarmed after it: the failure of one write, nothing else.
     */
    private static final class FaultyStore implements TokenStore {
        /** The step of a refresh whose first run meets the fault. */
        enum Step { WRITE_PAIR, KEEP_ANSWER, CLEAR_ANSWER }

        private final TokenStore real;
        private final Supplier<Runnable> fault;
        private final Step step;
        private boolean answerKept;
        private boolean failed;

        FaultyStore(TokenStore real, Supplier<Runnable> fault) {
            this(real, Step.WRITE_PAIR, fault);
        }

        FaultyStore(TokenStore real, Step step, Supplier<Runnable> fault) {
            this.real = real;
            this.step = step;
            this.fault = fault;
        }

        private void once(Runnable call) {
            failed = true;
            Runnable disarm = fault.get();
            try {
                call.run();
            } finally {
                disarm.run();
            }
        }

        @Override
        public TokenState read() {
            return real.read();
        }

        @Override
        public void write(TokenState next) {
            if (step == Step.KEEP_ANSWER && answerKept && next.refreshStartedAt() == null) {
                failed = true; // the refresh whose answer could not be kept is over
            }
            if (step == Step.WRITE_PAIR && answerKept && !failed && next.refreshStartedAt() == null) {
                once(() -> real.write(next));
                return;
            }
            real.write(next);
        }

        @Override
        public <T> T withRefreshLock(Supplier<T> work) {
            return real.withRefreshLock(work);
        }

        @Override
        public void keepIncoming(String tokenResponseBody) {
            if (step == Step.KEEP_ANSWER && !failed) {
                // every way of keeping this answer fails (the HTTP layer's journal, then the route's keep step)
                Runnable disarm = fault.get();
                try {
                    real.keepIncoming(tokenResponseBody);
                } finally {
                    answerKept = true; // an answer arrived
                    disarm.run();
                }
            } else {
                real.keepIncoming(tokenResponseBody);
            }
            answerKept = true;
        }

        @Override
        public Optional<String> incoming() {
            return real.incoming();
        }

        @Override
        public void clearIncoming() {
            if (step == Step.CLEAR_ANSWER && answerKept && !failed) {
                once(real::clearIncoming);
            } else {
                real.clearIncoming();
            }
        }

        @Override
        public boolean holdsRefreshLock() {
            return real.holdsRefreshLock();
        }

        @Override
        public String describe() {
            return real.describe();
        }
    }

    /** A pool that, when armed, hands out one connection whose PostgreSQL backend was just terminated. */
    private static final class DroppingDataSource implements DataSource {
        final AtomicBoolean dropNext = new AtomicBoolean();
        private final DataSource pool;

        DroppingDataSource(DataSource pool) {
            this.pool = pool;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = pool.getConnection();
            if (dropNext.compareAndSet(true, false)) {
                int pid;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
                try (Connection admin = pool.getConnection();
                        PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                    ps.setInt(1, pid);
                    ps.executeQuery().close();
                }
            }
            return c;
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return pool.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
