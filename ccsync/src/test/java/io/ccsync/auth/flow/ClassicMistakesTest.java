package io.ccsync.auth.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.RefreshPolicy;
import io.ccsync.auth.TokenEndpointException;
import io.ccsync.auth.TokenState;
import io.ccsync.sandbox.testing.MutableClock;
import io.ccsync.testing.FreePort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mistakes of the facts sheet (section 3) that ccsync can detect, each provoked on purpose against the sandbox
 * over real HTTP: each ends in its own message that names the fix.
 */
class ClassicMistakesTest {
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");

    @TempDir
    Path dir;

    private final MutableClock serverClock = MutableClock.startingNow();
    private TestSandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = TestSandbox.start(dir, o -> o.withAutoApprove(true).withClock(serverClock));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** The code the (auto-approving) sandbox sends to the redirect URI. */
    private static String codeFor(AuthorizationRequest request) {
        HttpResponse<String> answer = Consent.get(request.uri());
        String location = answer.headers().firstValue("Location").orElseThrow();
        Matcher m = CODE.matcher(location);
        assertThat(m.find()).as("code in " + location.replaceAll("code=[^&]+", "code=***")).isTrue();
        return m.group(1);
    }

    private TokenEndpoint endpoint(OAuthSettings settings) {
        return new TokenEndpoint(settings, Clock.systemUTC());
    }

    @Test
    void aTokenUrlThatIsReallyTheAuthorizePageAnswersHtml() {
        OAuthSettings s = sandbox.settings();
        OAuthSettings wrong = new OAuthSettings(s.clientId(), s.clientSecret(), s.authorizeUrl(), s.authorizeUrl(),
                s.deviceUrl(), s.redirectUri(), s.scopes());
        AuthorizationRequest request = AuthorizationRequest.create(wrong);

        assertThatThrownBy(() -> endpoint(wrong).exchangeCode(codeFor(request), request))
                .isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("answered with an HTML page")
                .hasMessageContaining("ccsync.oauth.token-url must be the token endpoint")
                .hasMessageContaining("not the authorize page");
    }

    @Test
    void anAuthorizationCodePastedAsTheAccessTokenIsNamedAsSuch() {
        TokenState pasted = new TokenState(1, "QbTdDsqWmOfPZn3uS0Gx2kHBhw", "rt", "contact_data offline_access",
                Instant.now(), TokenState.RefreshMode.UNKNOWN, null, null, null, null);

        TokenReport report = TokenReport.of(pasted, new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofDays(30)), "tokens.json", Instant.now());

        assertThat(report.health()).isEqualTo(TokenReport.Health.REAUTHORIZATION_NEEDED);
        assertThat(report.text()).contains("is not a JWT", "usually the authorization code",
                "Run `ccsync authorize`").doesNotContain("QbTdDsqWmOfPZn3uS0Gx2kHBhw");
    }

    @Test
    void aCodeOlderThanFiveMinutesIsRejectedWithTheReason() {
        AuthorizationRequest request = AuthorizationRequest.create(sandbox.settings());
        String code = codeFor(request);
        serverClock.advance(Duration.ofMinutes(6));

        assertThatThrownBy(() -> endpoint(sandbox.settings()).exchangeCode(code, request))
                .isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("the authorization code was rejected")
                .hasMessageContaining("Codes live 5 minutes and work once")
                .hasMessageContaining("Run `ccsync authorize` again")
                .hasMessageNotContaining(code);
    }

    @Test
    void aCodeUsedTwiceIsRejectedWithTheReason() {
        AuthorizationRequest request = AuthorizationRequest.create(sandbox.settings());
        String code = codeFor(request);
        endpoint(sandbox.settings()).exchangeCode(code, request);

        assertThatThrownBy(() -> endpoint(sandbox.settings()).exchangeCode(code, request))
                .hasMessageContaining("Codes live 5 minutes and work once");
    }

    @Test
    void withoutOfflineAccessNoRefreshTokenComesBackAndTheScopeIsNamed() {
        OAuthSettings noOffline = sandbox.settings(List.of("contact_data"));
        AuthorizationRequest request = AuthorizationRequest.create(noOffline);

        assertThatThrownBy(() -> endpoint(noOffline).exchangeCode(codeFor(request), request))
                .isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("no refresh token came back")
                .hasMessageContaining("offline_access scope was not granted")
                .hasMessageContaining("Add offline_access to ccsync.oauth.scopes");
    }

    @Test
    void withoutContactDataTheScopeIsNamed() {
        OAuthSettings noContacts = sandbox.settings(List.of("campaign_data", "offline_access"));
        AuthorizationRequest request = AuthorizationRequest.create(noContacts);

        assertThatThrownBy(() -> endpoint(noContacts).exchangeCode(codeFor(request), request))
                .isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("without the contact_data scope")
                .hasMessageContaining("Add contact_data to ccsync.oauth.scopes");
    }

    @Test
    void anUnregisteredRedirectUriIsShownBesideTheRegisteredOne() {
        String unregistered = "http://localhost:" + FreePort.get() + "/callback/";
        OAuthSettings s = sandbox.settings();
        OAuthSettings wrong = new OAuthSettings(s.clientId(), s.clientSecret(), s.authorizeUrl(), s.tokenUrl(),
                s.deviceUrl(), URI.create(unregistered), s.scopes());

        assertThatThrownBy(() -> new AuthorizePageCheck(null).check(AuthorizationRequest.create(wrong)))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("refused the request (HTTP 400)")
                .hasMessageContaining("Sent: " + unregistered)
                .hasMessageContaining(sandbox.redirectUri)
                .hasMessageContaining("redirect_uri=" + unregistered + " (ccsync.oauth.redirect-uri)")
                .hasMessageContaining("character for character");
    }

    @Test
    void aRedirectUriThatDiffersBetweenAuthorizeAndTokenIsNamed() {
        AuthorizationRequest asked = AuthorizationRequest.create(sandbox.settings());
        String code = codeFor(asked);
        AuthorizationRequest other = new AuthorizationRequest(asked.settings(),
                RedirectUri.of(URI.create(sandbox.redirectUri + "/")), asked.state(), asked.pkce());

        assertThatThrownBy(() -> endpoint(sandbox.settings()).exchangeCode(code, other))
                .isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("does not match the redirection URI")
                .hasMessageContaining("the redirect URI must be exactly " + sandbox.redirectUri);
    }

    @Test
    void swappedClientIdAndSecretAreCaughtBeforeAnyCall() {
        OAuthSettings s = sandbox.settings();
        OAuthSettings swapped = new OAuthSettings(s.clientSecret(), s.clientId(), s.authorizeUrl(), s.tokenUrl(),
                s.deviceUrl(), s.redirectUri(), s.scopes());
        AuthorizeFlow flow = new AuthorizeFlow(swapped, sandbox.store(), Clock.systemUTC(), Browser.NONE,
                new PrintWriter(new StringWriter()));

        assertThatThrownBy(() -> flow.run(Duration.ofSeconds(5)))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("look swapped")
                .hasMessageContaining("Swap CC_CLIENT_ID and CC_CLIENT_SECRET")
                .hasMessageNotContaining(s.clientSecret());
        assertThat(sandbox.sandbox.requests()).isEmpty();
    }

    @Test
    void aWrongSecretIsRejectedAsClientCredentials() {
        OAuthSettings s = sandbox.settings();
        OAuthSettings wrong = new OAuthSettings(s.clientId(), "not-the-secret", s.authorizeUrl(), s.tokenUrl(),
                s.deviceUrl(), s.redirectUri(), s.scopes());
        AuthorizationRequest request = AuthorizationRequest.create(wrong);

        assertThatThrownBy(() -> endpoint(wrong).exchangeCode(codeFor(request), request))
                .isInstanceOf(TokenEndpointException.class)
                .hasMessageContaining("rejected the client credentials")
                .hasMessageContaining("that they are not swapped")
                .hasMessageNotContaining("not-the-secret");
    }
}
