package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.ccsync.auth.FileTokenStore;
import io.ccsync.auth.TokenResponse;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.flow.Consent;
import io.ccsync.auth.flow.TestSandbox;
import io.ccsync.sandbox.SandboxLogin;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccsync token} and {@code ccsync token refresh}: what they show, what they return, and never a secret. */
class TokenCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestSandbox sandbox;
    private FileTokenStore store;

    @BeforeEach
    void start() {
        sandbox = TestSandbox.start(dir, o -> o.withAutoApprove(true));
        store = sandbox.store();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** Real tokens from the sandbox, stored as `ccsync authorize` stores them. */
    private TokenState authorized() {
        String body = SandboxLogin.login(sandbox.sandbox);
        TokenResponse response = TokenResponse.read(200, "application/json", body,
                TokenResponse.Grant.AUTHORIZATION_CODE, sandbox.settings(), Instant.now());
        store.write(store.read().authorized(response, Instant.now()));
        return store.read();
    }

    /** A stored token that expires in {@code left} (unsigned: ccsync only reads its claims). */
    private void storeTokenExpiringIn(Duration left, String refreshToken, String reauthorization) {
        Instant now = Instant.now();
        String jwt = new PlainJWT(new JWTClaimsSet.Builder().subject("someone@example.com")
                .claim("cid", sandbox.sandbox.clientId()).claim("scp", List.of("contact_data", "offline_access"))
                .issueTime(Date.from(now.plus(left).minus(Duration.ofHours(24))))
                .expirationTime(Date.from(now.plus(left))).build()).serialize();
        store.write(new TokenState(1, jwt, refreshToken, "contact_data offline_access", now.minus(Duration.ofDays(3)),
                TokenState.RefreshMode.ROTATING, null, null, reauthorization, null));
    }

    private static JsonNode json(Cli.Result result) throws Exception {
        return JSON.readTree(result.out());
    }

    @Test
    void nothingStoredMeansReauthorizationNeededExit3() throws Exception {
        Cli.Result text = Cli.run(sandbox.overrides(), "token");
        Cli.Result json = Cli.run(sandbox.overrides(), "token", "--json");

        assertThat(text.exitCode()).isEqualTo(3);
        assertThat(text.out()).contains("re-authorization needed", "no tokens are stored", "ccsync authorize",
                sandbox.tokenFile.toString());
        assertThat(json.exitCode()).isEqualTo(3);
        assertThat(json(json).path("status").asText()).isEqualTo("reauthorization_needed");
        assertThat(json(json).path("reauthorization_needed").asBoolean()).isTrue();
    }

    @Test
    void aFreshTokenIsHealthyExit0AndShowsEverythingButSecrets() {
        TokenState stored = authorized();

        Cli.Result result = Cli.run(sandbox.overrides(), "token");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Constant Contact token: healthy", "sandbox.user@example.com",
                sandbox.sandbox.clientId(), "contact_data offline_access", "issued", "expires", "left",
                "refresh token", "known after the first refresh", "last refresh", "none yet",
                "re-authorization  not needed", sandbox.tokenFile.toString());
        assertThat(result.all()).doesNotContain(stored.accessToken()).doesNotContain(stored.refreshToken())
                .doesNotContain(sandbox.sandbox.clientSecret());
    }

    @Test
    void jsonHasTheFieldsScriptsNeedAndNoTokenValues() throws Exception {
        TokenState stored = authorized();

        Cli.Result result = Cli.run(sandbox.overrides(), "token", "--json");
        JsonNode j = json(result);

        assertThat(result.exitCode()).isZero();
        assertThat(j.path("status").asText()).isEqualTo("healthy");
        assertThat(j.path("subject").asText()).isEqualTo("sandbox.user@example.com");
        assertThat(j.path("client_id").asText()).isEqualTo(sandbox.sandbox.clientId());
        assertThat(j.path("scopes").asText()).isEqualTo("contact_data offline_access");
        assertThat(j.path("seconds_left").asLong()).isBetween(86_000L, 86_400L);
        assertThat(Instant.parse(j.path("expires_at").asText())).isAfter(Instant.now());
        assertThat(j.path("refresh_token_present").asBoolean()).isTrue();
        assertThat(j.path("refresh_token_mode").asText()).isEqualTo("unknown");
        assertThat(j.path("refresh_token_age_days").asLong()).isZero();
        assertThat(j.path("store").asText()).isEqualTo(sandbox.tokenFile.toString());
        assertThat(result.out()).doesNotContain(stored.accessToken()).doesNotContain(stored.refreshToken());
    }

    @Test
    void aTokenWithinTheRefreshMarginButRefreshableIsExit1() {
        storeTokenExpiringIn(Duration.ofMinutes(2), "a-refresh-token", null);

        Cli.Result result = Cli.run(sandbox.overrides(), "token");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("refresh due", "within the refresh margin", "ccsync token refresh",
                "rotating, received").doesNotContain("a-refresh-token");
    }

    @Test
    void anExpiredTokenButRefreshableIsExit1() {
        storeTokenExpiringIn(Duration.ofMinutes(-30), "a-refresh-token", null);

        Cli.Result result = Cli.run(sandbox.overrides(), "token");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("has expired", "expired 30 minutes ago");
    }

    @Test
    void anExpiredTokenWithoutRefreshTokenNeedsReauthorizationExit3() {
        storeTokenExpiringIn(Duration.ofMinutes(-1), null, null);

        Cli.Result result = Cli.run(sandbox.overrides(), "token");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).contains("no refresh token (offline_access was not granted)");
    }

    @Test
    void aRefusedRefreshTokenNeedsReauthorizationExit3() {
        storeTokenExpiringIn(Duration.ofHours(5), "dead", "the refresh token was rejected (invalid_grant): it was "
                + "used elsewhere or expired. Run `ccsync authorize` once to reconnect.");

        Cli.Result result = Cli.run(sandbox.overrides(), "token");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).contains("re-authorization  NEEDED", "invalid_grant", "ccsync authorize");
    }

    @Test
    void anAuthorizationCodePastedIntoTheStoreIsNamed() {
        store.write(new TokenState(1, "Xb7Cdq3PzLm0", "rt", "contact_data offline_access", Instant.now(),
                TokenState.RefreshMode.UNKNOWN, null, null, null, null));

        Cli.Result result = Cli.run(sandbox.overrides(), "token");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).contains("not a JWT", "authorization code").doesNotContain("Xb7Cdq3PzLm0");
    }

    @Test
    void refreshRotatesTheRefreshTokenAndTheOldOneIsThenRefused() throws Exception {
        TokenState before = authorized();

        Cli.Result result = Cli.run(sandbox.overrides(), "token", "refresh");

        assertThat(result.exitCode()).as(result.all()).isZero();
        TokenState after = store.read();
        assertThat(after.refreshToken()).isNotEqualTo(before.refreshToken());
        assertThat(after.accessToken()).isNotEqualTo(before.accessToken());
        assertThat(after.lastRefreshOutcome()).isEqualTo("ok");
        assertThat(result.out()).contains("Refreshed.", "good until", "rotated");
        assertThat(result.all()).doesNotContain(before.refreshToken()).doesNotContain(after.refreshToken())
                .doesNotContain(after.accessToken());

        HttpResponse<String> old = Consent.post(URI.create(sandbox.sandbox.tokenUrl()),
                Map.of("grant_type", "refresh_token", "refresh_token", before.refreshToken()),
                "Basic " + Base64.getEncoder().encodeToString((sandbox.sandbox.clientId() + ":"
                        + sandbox.sandbox.clientSecret()).getBytes(StandardCharsets.UTF_8)));
        assertThat(old.statusCode()).isEqualTo(400);
        assertThat(old.body()).contains("invalid_grant");

        Cli.Result status = Cli.run(sandbox.overrides(), "token");
        assertThat(status.out()).contains("rotating, received", "last refresh", ": ok");
    }

    @Test
    void theFirstAuthorizationsAnswerKeptButNeverStoredIsStoredAndTheChainGoesOn() {
        // The very first exchange was killed after its answer was kept and before the pair was stored.
        String answer = SandboxLogin.login(sandbox.sandbox);
        store.keepIncoming(answer);
        String refreshToken = TokenResponse.refreshTokenOf(answer);

        Cli.Result status = Cli.run(sandbox.overrides(), "token");
        Cli.Result refresh = Cli.run(sandbox.overrides(), "token", "refresh");

        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("Constant Contact token: healthy", "sandbox.user@example.com");
        assertThat(refresh.exitCode()).as(refresh.all()).isZero();
        assertThat(store.read().refreshToken()).isNotEqualTo(refreshToken);
        assertThat(sandbox.sandbox.refreshTokenUsable(store.read().refreshToken())).isTrue();
        assertThat(sandbox.sandbox.refreshTokenCalls().rejected()).isZero();
        assertThat(store.incoming()).isEmpty();
        assertThat(status.all() + refresh.all()).doesNotContain(refreshToken);
    }

    @Test
    void refreshWithNothingStoredSaysToAuthorizeExit3() {
        Cli.Result result = Cli.run(sandbox.overrides(), "token", "refresh");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("no Constant Contact tokens are stored yet", "ccsync authorize");
    }

    @Test
    void refreshWithADeadRefreshTokenSaysToReauthorizeExit3() {
        TokenState stored = authorized();
        // someone else spends it first (another machine with a copy of the token file)
        Consent.post(URI.create(sandbox.sandbox.tokenUrl()),
                Map.of("grant_type", "refresh_token", "refresh_token", stored.refreshToken()),
                "Basic " + Base64.getEncoder().encodeToString((sandbox.sandbox.clientId() + ":"
                        + sandbox.sandbox.clientSecret()).getBytes(StandardCharsets.UTF_8)));

        Cli.Result refresh = Cli.run(sandbox.overrides(), "token", "refresh");
        Cli.Result status = Cli.run(sandbox.overrides(), "token");

        assertThat(refresh.exitCode()).isEqualTo(3);
        assertThat(refresh.err()).contains("invalid_grant", "Run `ccsync authorize` once to reconnect");
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(refresh.all() + status.all()).doesNotContain(stored.refreshToken());
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Cli.Result token = Cli.run(Map.of(), "token", "--help");
        Cli.Result refresh = Cli.run(Map.of(), "token", "refresh", "--help");

        assertThat(token.out()).contains("Exit codes:", "0   healthy", "1   the access token has expired or is "
                + "within the refresh margin", "2   usage error", "3   re-authorization needed",
                "4   the token store cannot be read", "--json", "refresh");
        assertThat(refresh.out()).contains("single-flight", "Exit codes:");
    }
}
