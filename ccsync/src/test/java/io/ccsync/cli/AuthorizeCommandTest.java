package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.auth.TokenState;
import io.ccsync.auth.flow.Consent;
import io.ccsync.auth.flow.TestSandbox;
import io.ccsync.testing.CountingProxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccsync authorize} against the sandbox: a person at a browser is played by an HTTP client. */
class AuthorizeCommandTest {
    /** The URL is printed on a line of its own, indented. */
    static final Pattern URL = Pattern.compile("(?m)^\\s+(http\\S+/authorize\\?\\S+)$");

    @TempDir
    Path dir;

    private TestSandbox sandbox;

    @AfterEach
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private Cli.Result authorizeAllowingWith(Map<String, String> overrides) {
        Cli.Running running = Cli.start(overrides, cli -> { }, "authorize", "--no-browser");
        URI url = URI.create(running.awaitOutput(URL));
        HttpResponse<String> landing = Consent.allow(url);
        assertThat(landing.statusCode()).isEqualTo(200);
        assertThat(landing.body()).contains("You can close this window");
        return running.await();
    }

    /** No token, code, verifier or secret value may ever reach the terminal. */
    static void assertNoSecrets(String output, TestSandbox sandbox) {
        TokenState stored = sandbox.store().read();
        assertThat(output).doesNotContain(sandbox.sandbox.clientSecret());
        if (stored.hasTokens()) {
            assertThat(output).doesNotContain(stored.accessToken());
            if (stored.refreshToken() != null) {
                assertThat(output).doesNotContain(stored.refreshToken());
            }
        }
        assertThat(output).doesNotContainPattern("[?&]code=").doesNotContain("code_verifier");
    }

    @Test
    void clickingAllowStoresTokensAndSaysWhoWasConnected() {
        sandbox = TestSandbox.start(dir);

        Cli.Result result = authorizeAllowingWith(sandbox.overrides());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Open this URL in a browser", "Waiting up to 5 minutes",
                "Connected to Constant Contact.", "sandbox.user@example.com", sandbox.sandbox.clientId(),
                "scopes granted   contact_data offline_access", "good until", "(in 24 hours)",
                sandbox.tokenFile.toString());
        TokenState stored = sandbox.store().read();
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.refreshToken()).isNotNull();
        assertNoSecrets(result.all(), sandbox);
    }

    @Test
    void aCamelHttpProxySettingCarriesThePageCheckAndTheCodeExchange() {
        sandbox = TestSandbox.start(dir);
        try (CountingProxy proxy = CountingProxy.start()) {
            Map<String, String> o = sandbox.overrides();
            o.put("camel.component.http.proxy-host", "127.0.0.1");
            o.put("camel.component.http.proxy-port", String.valueOf(proxy.port()));

            Cli.Result result = authorizeAllowingWith(o); // the person's browser does not use ccsync's proxy

            assertThat(result.exitCode()).as(result.all()).isZero();
            String authorizePath = URI.create(sandbox.sandbox.authorizeUrl()).getPath();
            String tokenPath = URI.create(sandbox.sandbox.tokenUrl()).getPath();
            assertThat(proxy.passed()).as("requests through the proxy")
                    .containsExactly("GET " + authorizePath, "POST " + tokenPath);
            assertThat(sandbox.store().read().hasTokens()).isTrue();
        }
    }

    @Test
    void thePrintedUrlAsksForPkceS256StateAndTheRequiredScopes() {
        sandbox = TestSandbox.start(dir);
        Map<String, String> o = sandbox.overrides();
        o.put("ccsync.oauth.scopes", "campaign_data");
        Cli.Running running = Cli.start(o, cli -> { }, "authorize", "--no-browser");

        String url = running.awaitOutput(URL);
        Consent.allow(URI.create(url));

        assertThat(url).contains("scope=campaign_data+contact_data+offline_access", "code_challenge_method=S256",
                "code_challenge=", "state=", "redirect_uri=" + URLEncoder.encode(sandbox.redirectUri, StandardCharsets.UTF_8)).doesNotContain("%2B");
        assertThat(running.await().exitCode()).isZero();
    }

    @Test
    void aPkceOnlyClientWithoutSecretIsAuthorizedToo() {
        sandbox = TestSandbox.start(dir);
        Map<String, String> o = sandbox.overrides();
        o.put("ccsync.oauth.client-secret", "");

        Cli.Result result = authorizeAllowingWith(o);

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(sandbox.store().read().hasTokens()).isTrue();
    }

    @Test
    void withAnAutoApprovingServerTheOpenedBrowserCompletesOnItsOwn() {
        sandbox = TestSandbox.start(dir, opts -> opts.withAutoApprove(true));
        Cli.Running running = Cli.start(sandbox.overrides(), cli -> Cli.authorize(cli).browser = url -> {
            new Thread(() -> Consent.allow(url)).start(); // the "system browser"
            return true;
        }, "authorize");

        Cli.Result result = running.await();

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Your browser should open", "Connected to Constant Contact.");
    }

    @Test
    void aWrongStateIsRefusedAndTheRightAnswerStillWorks() {
        sandbox = TestSandbox.start(dir);
        Cli.Running running = Cli.start(sandbox.overrides(), cli -> { }, "authorize", "--no-browser");
        URI url = URI.create(running.awaitOutput(URL));

        HttpResponse<String> forged = Consent.get(URI.create(sandbox.redirectUri + "?code=forged&state=not-ours"));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("state does not match");
        Consent.allow(url);

        Cli.Result result = running.await();
        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Refused an answer", "Connected to Constant Contact.");
    }

    @Test
    void clickingDenyEndsWithAPlainMessage() {
        sandbox = TestSandbox.start(dir);
        Cli.Running running = Cli.start(sandbox.overrides(), cli -> { }, "authorize", "--no-browser");

        HttpResponse<String> landing = Consent.deny(URI.create(running.awaitOutput(URL)));
        Cli.Result result = running.await();

        assertThat(landing.body()).contains("access was denied");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("ccsync: access was denied on Constant Contact's consent page",
                "choose Allow");
        assertThat(sandbox.store().read().hasTokens()).isFalse();
    }

    @Test
    void givesUpAfterTheTimeoutWithAMessage() {
        sandbox = TestSandbox.start(dir);

        Cli.Result result = Cli.run(sandbox.overrides(), "authorize", "--no-browser", "--timeout", "1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("Waiting up to 1 second");
        assertThat(result.err()).contains("no answer reached " + sandbox.redirectUri + " within 1 second",
                "stored nothing", "register exactly " + sandbox.redirectUri);
    }

    @Test
    void anUnregisteredRedirectUriShowsSentAndRegisteredBeforeAnyoneIsSentToTheBrowser() {
        sandbox = TestSandbox.start(dir);
        Map<String, String> o = sandbox.overrides();
        String typo = sandbox.redirectUri.replace("/callback", "/callbak");
        o.put("ccsync.oauth.redirect-uri", typo);

        Cli.Result result = Cli.run(o, "authorize", "--no-browser");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).doesNotContain("Open this URL");
        assertThat(result.err()).contains("refused the request (HTTP 400)", "Sent: " + typo,
                "Registered for this client", sandbox.redirectUri, "character for character");
    }

    @Test
    void aRedirectUriOffThisMachineIsExplained() {
        sandbox = TestSandbox.start(dir);
        Map<String, String> o = sandbox.overrides();
        o.put("ccsync.oauth.redirect-uri", "https://example.com/oauth/callback");

        Cli.Result result = Cli.run(o, "authorize", "--no-browser");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("ccsync.oauth.redirect-uri is https://example.com/oauth/callback",
                "http://localhost:8765/callback", "ccsync device-login");
    }

    @Test
    void swappedClientIdAndSecretAreNamed() {
        sandbox = TestSandbox.start(dir);
        Map<String, String> o = sandbox.overrides();
        o.put("ccsync.oauth.client-id", sandbox.sandbox.clientSecret());
        o.put("ccsync.oauth.client-secret", sandbox.sandbox.clientId());

        Cli.Result result = Cli.run(o, "authorize", "--no-browser");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("look swapped", "Swap CC_CLIENT_ID and CC_CLIENT_SECRET")
                .doesNotContain(sandbox.sandbox.clientSecret());
    }

    @Test
    void aWrongSecretIsShownToTheBrowserAndTheTerminal() {
        sandbox = TestSandbox.start(dir);
        Map<String, String> o = sandbox.overrides();
        o.put("ccsync.oauth.client-secret", "wrong-secret");
        Cli.Running running = Cli.start(o, cli -> { }, "authorize", "--no-browser");

        HttpResponse<String> landing = Consent.allow(URI.create(running.awaitOutput(URL)));
        Cli.Result result = running.await();

        assertThat(landing.statusCode()).isEqualTo(400);
        assertThat(landing.body()).contains("rejected the client credentials");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("rejected the client credentials", "not swapped")
                .doesNotContain("wrong-secret");
    }

    @Test
    void aTokenUrlPointingAtTheAuthorizePageIsNamed() {
        sandbox = TestSandbox.start(dir);
        Map<String, String> o = sandbox.overrides();
        o.put("ccsync.oauth.token-url", sandbox.sandbox.authorizeUrl());
        Cli.Running running = Cli.start(o, cli -> { }, "authorize", "--no-browser");

        Consent.allow(URI.create(running.awaitOutput(URL)));
        Cli.Result result = running.await();

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("answered with an HTML page", "not the authorize page");
    }

    @Test
    void helpDocumentsTheOptionsAndExitCodes() {
        Cli.Result result = Cli.run(Map.of(), "authorize", "--help");

        assertThat(result.out()).contains("--no-browser", "--timeout", "Exit codes:", "PKCE");
    }
}
