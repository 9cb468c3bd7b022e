package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.auth.JdbcTokenStore;
import io.ccsync.auth.TokenCipher;
import io.ccsync.auth.TokenResponse;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.flow.TestSandbox;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.store.DatabaseConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccsync token} and {@code ccsync token refresh} with {@code ccsync.token.store=jdbc}: same store, named. */
class TokenCommandJdbcTest {
    private static final String PASSWORD = "db-pass-" + UUID.randomUUID();
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    private TestSandbox sandbox;
    private HikariDataSource db;
    private JdbcTokenStore store;
    private String url;

    @BeforeEach
    void start() throws Exception {
        sandbox = TestSandbox.start(dir, o -> o.withAutoApprove(true));
        url = "jdbc:h2:mem:token-command-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        db = DatabaseConfiguration.pool("test", url, "sa", PASSWORD);
        DatabaseConfiguration.applySchema(db);
        store = new JdbcTokenStore(db, url, "default", TokenCipher.fromSetting(KEY), Duration.ofSeconds(10),
                Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() {
        db.close();
        sandbox.close();
    }

    private Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>(sandbox.overrides());
        o.put("ccsync.token.store", "jdbc");
        o.put("ccsync.db.url", url);
        o.put("ccsync.db.user", "sa");
        o.put("ccsync.db.password", PASSWORD);
        o.put("ccsync.token.encryption-key", KEY);
        return o;
    }

    private TokenState authorized() {
        TokenResponse response = TokenResponse.read(200, "application/json", SandboxLogin.login(sandbox.sandbox),
                TokenResponse.Grant.AUTHORIZATION_CODE, sandbox.settings(), Instant.now());
        store.write(store.read().authorized(response, Instant.now()));
        return store.read();
    }

    @Test
    void tokenShowsTheDatabaseItReadsAndNoSecret() throws Exception {
        TokenState stored = authorized();

        Cli.Result text = Cli.run(overrides(), "token");
        Cli.Result json = Cli.run(overrides(), "token", "--json");

        assertThat(text.exitCode()).as(text.all()).isZero();
        String where = "jdbc:h2:mem:token-command-";
        assertThat(text.out()).contains(where).contains("token_state").contains("tokens encrypted");
        assertThat(new ObjectMapper().readTree(json.out()).path("store").asText()).startsWith(where)
                .contains("account default");
        for (Cli.Result r : new Cli.Result[] {text, json}) {
            assertThat(r.all()).doesNotContain(PASSWORD).doesNotContain(KEY).doesNotContain(stored.accessToken())
                    .doesNotContain(stored.refreshToken()).doesNotContain("DB_CLOSE_DELAY");
        }
    }

    @Test
    void tokenRefreshStoresTheRotatedPairInTheDatabase() {
        TokenState before = authorized();

        Cli.Result result = Cli.run(overrides(), "token", "refresh");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Tokens stored in jdbc:h2:mem:token-command-");
        TokenState after = store.read();
        assertThat(after.version()).isGreaterThan(before.version());
        assertThat(after.accessToken()).isNotEqualTo(before.accessToken());
        assertThat(after.lastRefreshOutcome()).isEqualTo("ok");
    }

    @Test
    void aPlainTextRowIsRefusedWhileAKeyIsSetUntilTokenMigrateEncryptsIt() throws Exception {
        JdbcTokenStore plain = new JdbcTokenStore(db, url, "default", TokenCipher.NONE, Duration.ofSeconds(10),
                Duration.ofMinutes(1));
        TokenResponse response = TokenResponse.read(200, "application/json", SandboxLogin.login(sandbox.sandbox),
                TokenResponse.Grant.AUTHORIZATION_CODE, sandbox.settings(), Instant.now());
        plain.write(plain.read().authorized(response, Instant.now())); // stored before the key was set

        Cli.Result refused = Cli.run(overrides(), "token");
        assertThat(refused.exitCode()).as("the store cannot be read: " + refused.all()).isEqualTo(ExitCodes.CANNOT_READ);
        assertThat(refused.err()).contains("plain text").contains("ccsync token migrate")
                .doesNotContain(response.refreshToken());

        Cli.Result migrated = Cli.run(overrides(), "token", "migrate");
        assertThat(migrated.exitCode()).as(migrated.all()).isZero();
        assertThat(migrated.out()).contains("Encrypted the tokens in jdbc:h2:mem:token-command-");
        try (var c = db.getConnection(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT refresh_token FROM token_state WHERE account = 'default'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("ccsync-aes256gcm:v1:");
        }
        assertThat(store.read().refreshToken()).isEqualTo(response.refreshToken());
        Cli.Result shown = Cli.run(overrides(), "token");
        assertThat(shown.exitCode()).as(shown.all()).isZero();
        assertThat(Cli.run(overrides(), "token", "migrate").out()).contains("Nothing to encrypt");
    }
}
