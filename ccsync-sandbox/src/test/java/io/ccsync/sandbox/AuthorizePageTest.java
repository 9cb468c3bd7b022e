package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.authorizeUrl;
import static io.ccsync.sandbox.Http.get;
import static io.ccsync.sandbox.Http.params;
import static io.ccsync.sandbox.Http.postForm;
import static io.ccsync.sandbox.Http.redirectParams;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The browser side of the authorization code flow, with the consent page shown (no auto-approve). */
class AuthorizePageTest {
    static Sandbox sandbox;
    static Sandbox autoApprove;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(Http.relaxed().withAutoApprove(false)
                .withRedirectUris(List.of("http://localhost:8765/callback", "http://127.0.0.1:8765/callback")));
        autoApprove = Sandbox.start(Http.relaxed());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
        autoApprove.close();
    }

    private static Map<String, String> consentForm(String... extra) {
        Map<String, String> p = params("client_id", sandbox.clientId(), "redirect_uri", sandbox.redirectUri(),
                "response_type", "code", "scope", "contact_data offline_access", "state", "s-1");
        p.putAll(params(extra));
        return p;
    }

    @Test
    void authorizeAnswersAnHtmlConsentPageWith200AndAllowAndDenyButtons() {
        HttpResponse<String> page = get(authorizeUrl(sandbox));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        assertThat(page.body()).contains("id=\"allow\"", "id=\"deny\"", "<form method=\"post\"",
                "action=\"/oauth2/default/v1/authorize\"", "contact_data", "offline_access");
    }

    @Test
    void consentPageCarriesTheOriginalParametersInItsForm() {
        String body = get(authorizeUrl(sandbox, "state", "keep-me")).body();

        assertThat(body).contains("name=\"client_id\" value=\"" + sandbox.clientId() + "\"",
                "name=\"redirect_uri\" value=\"" + sandbox.redirectUri() + "\"", "name=\"state\" value=\"keep-me\"");
    }

    @Test
    void allowRedirectsToTheRedirectUriWithACodeAndTheStateUntouched() {
        String state = "a b/c?d=e&f+g";
        HttpResponse<String> r = postForm(sandbox.authorizeUrl(), consentForm("state", state, "decision", "allow"));

        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).get().asString().startsWith(sandbox.redirectUri() + "?code=");
        assertThat(redirectParams(r)).containsEntry("state", state).containsKey("code");
    }

    @Test
    void denyRedirectsWithAccessDeniedAndTheState() {
        HttpResponse<String> r = postForm(sandbox.authorizeUrl(), consentForm("decision", "deny"));

        assertThat(r.statusCode()).isEqualTo(302);
        Map<String, String> back = redirectParams(r);
        assertThat(back).containsEntry("error", "access_denied").containsEntry("state", "s-1").containsKey("error_description")
                .doesNotContainKey("code");
    }

    @Test
    void parametersInTheFormBodyShowTheConsentPageToo() {
        HttpResponse<String> r = postForm(sandbox.authorizeUrl(), consentForm());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("id=\"allow\"");
    }

    @Test
    void unknownClientGetsAnHtmlErrorPageAndNoRedirect() {
        HttpResponse<String> r = get(authorizeUrl(sandbox, "client_id", "not-a-client"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.body()).contains("not-a-client", "not registered");
    }

    @Test
    void redirectUriDifferingByOneCharacterGetsAPageNamingRegisteredAndSentValuesAndNoRedirect() {
        String sent = "http://localhost:8765/callback/";
        HttpResponse<String> r = get(authorizeUrl(sandbox, "redirect_uri", sent));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.body()).contains(sent, "http://localhost:8765/callback</code>", "http://127.0.0.1:8765/callback");
    }

    @Test
    void anyRegisteredRedirectUriIsAccepted() {
        HttpResponse<String> r = postForm(sandbox.authorizeUrl(),
                consentForm("redirect_uri", "http://127.0.0.1:8765/callback", "decision", "allow"));

        assertThat(r.headers().firstValue("Location")).get().asString().startsWith("http://127.0.0.1:8765/callback?code=");
    }

    @Test
    void responseTypeOtherThanCodeIsRedirectedAsUnsupported() {
        HttpResponse<String> r = get(authorizeUrl(sandbox, "response_type", "token"));

        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(redirectParams(r)).containsEntry("error", "unsupported_response_type");
    }

    @Test
    void plainPkceChallengeMethodIsRefused() {
        HttpResponse<String> r = get(authorizeUrl(sandbox, "code_challenge", "a".repeat(43), "code_challenge_method", "plain"));

        assertThat(redirectParams(r)).containsEntry("error", "invalid_request");
        assertThat(redirectParams(r).get("error_description")).contains("S256");
    }

    @Test
    void scopesJoinedByEncodedPlusAreRejectedAsInvalidScope() {
        String url = sandbox.authorizeUrl() + "?client_id=" + sandbox.clientId() + "&redirect_uri="
                + sandbox.redirectUri() + "&response_type=code&state=s&scope=contact_data%2Boffline_access";
        HttpResponse<String> r = get(url);

        assertThat(redirectParams(r)).containsEntry("error", "invalid_scope");
        assertThat(redirectParams(r).get("error_description")).contains("%2B");
    }

    @Test
    void autoApproveRedirectsAtOnceWithACodeAndTheState() {
        HttpResponse<String> r = get(authorizeUrl(autoApprove, "state", "auto"));

        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(redirectParams(r)).containsEntry("state", "auto").containsKey("code");
    }
}
