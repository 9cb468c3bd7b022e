package io.ccsync.auth.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.auth.OAuthSettings;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizationRequestTest {
    private static final Map<String, String> CONFIG = Map.of(
            "ccsync.oauth.client-id", "5f0c8e6e-3b7a-4c1e-9d2f-6a1b2c3d4e5f",
            "ccsync.oauth.client-secret", "s3cret",
            "ccsync.oauth.authorize-url", "https://authz.constantcontact.com/oauth2/default/v1/authorize",
            "ccsync.oauth.token-url", "https://authz.constantcontact.com/oauth2/default/v1/token",
            "ccsync.oauth.device-url", "https://authz.constantcontact.com/oauth2/default/v1/device/authorize",
            "ccsync.oauth.redirect-uri", "http://localhost:8765/callback",
            "ccsync.oauth.scopes", "campaign_data");

    private static OAuthSettings settings(String redirectUri) {
        return OAuthSettings.from(key -> key.equals("ccsync.oauth.redirect-uri") ? redirectUri : CONFIG.get(key));
    }

    @Test
    void scopesAlwaysIncludeContactDataAndOfflineAccessSeparatedByPlusNeverPercent2B() {
        String url = AuthorizationRequest.create(settings("http://localhost:8765/callback")).uri().toString();

        assertThat(url).contains("scope=campaign_data+contact_data+offline_access").doesNotContain("%2B");
    }

    @Test
    void sendsTheRedirectUriExactlyAsConfiguredWithCodeResponseType() {
        URI url = AuthorizationRequest.create(settings("http://127.0.0.1:9000/cb/")).uri();

        assertThat(url.getQuery()).contains("redirect_uri=http://127.0.0.1:9000/cb/", "response_type=code",
                "client_id=5f0c8e6e-3b7a-4c1e-9d2f-6a1b2c3d4e5f");
        assertThat(url.toString()).startsWith("https://authz.constantcontact.com/oauth2/default/v1/authorize?");
    }

    @Test
    void usesPkceS256AndNeverPutsTheVerifierOrSecretInTheUrl() {
        AuthorizationRequest request = AuthorizationRequest.create(settings("http://localhost:8765/callback"));
        String url = request.uri().toString();

        assertThat(url).contains("code_challenge=" + Pkce.s256(request.pkce().verifier()),
                "code_challenge_method=S256");
        assertThat(request.pkce().verifier()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(url).doesNotContain(request.pkce().verifier()).doesNotContain("s3cret");
    }

    @Test
    void everyRequestHasItsOwnRandomState() {
        OAuthSettings s = settings("http://localhost:8765/callback");

        assertThat(AuthorizationRequest.create(s).state()).isNotEqualTo(AuthorizationRequest.create(s).state())
                .hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void aRedirectUriThisMachineCannotReceiveIsRefusedWithTheFix() {
        for (String bad : new String[] {"https://example.com/callback", "http://localhost/callback",
                "https://localhost:8765/callback", "http://192.168.1.5:8765/callback"}) {
            assertThatThrownBy(() -> AuthorizationRequest.create(settings(bad)))
                    .as(bad)
                    .isInstanceOf(AuthorizationException.class)
                    .hasMessageContaining("ccsync.oauth.redirect-uri is " + bad)
                    .hasMessageContaining("http://localhost:8765/callback")
                    .hasMessageContaining("ccsync device-login");
        }
    }
}
