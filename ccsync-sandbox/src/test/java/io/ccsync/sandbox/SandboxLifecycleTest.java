package io.ccsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starting, stopping, the defaults other tests rely on, and the login helper. */
class SandboxLifecycleTest {

    @Test
    void closeFreesThePort() throws IOException {
        Sandbox sandbox = Sandbox.start(Http.relaxed());
        int port = sandbox.port();

        sandbox.close();

        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void closeTwiceIsHarmless() {
        Sandbox sandbox = Sandbox.start(Http.relaxed());
        sandbox.close();
        sandbox.close();
    }

    @Test
    void aTakenPortIsReportedByNumber() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Sandbox.start(Http.relaxed().withPort(taken.getLocalPort())))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }

    @Test
    void urlsMirrorConstantContactsPathsOnLocalhost() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed())) {
            String base = "http://localhost:" + sandbox.port();
            assertThat(sandbox.baseUrl()).isEqualTo(base);
            assertThat(sandbox.apiUrl()).isEqualTo(base + "/v3");
            assertThat(sandbox.authorizeUrl()).isEqualTo(base + "/oauth2/default/v1/authorize");
            assertThat(sandbox.tokenUrl()).isEqualTo(base + "/oauth2/default/v1/token");
            assertThat(sandbox.deviceUrl()).isEqualTo(base + "/oauth2/default/v1/device/authorize");
            assertThat(sandbox.keysUrl()).isEqualTo(base + "/oauth2/default/v1/keys");
        }
    }

    @Test
    void defaultsAreTheDemoClientAndConstantContactsLimits() {
        SandboxOptions d = SandboxOptions.defaults();

        assertThat(d.port()).isEqualTo(9999);
        assertThat(d.clientId()).matches("[0-9a-f-]{36}");
        assertThat(d.clientSecret()).isNotBlank();
        assertThat(d.redirectUris()).isEqualTo(List.of("http://localhost:8765/callback"));
        assertThat(d.accessTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(d.refreshMode()).isEqualTo(RefreshMode.ROTATING);
        assertThat(d.rateLimit()).isEqualTo(4);
        assertThat(d.dailyLimit()).isEqualTo(10_000);
        assertThat(d.tokenRateLimit()).isEqualTo(1);
        assertThat(d.codeTtl()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void optionsAreImmutable() {
        SandboxOptions d = SandboxOptions.defaults();

        SandboxOptions changed = d.withPort(1234);

        assertThat(d.port()).isEqualTo(9999);
        assertThat(changed.port()).isEqualTo(1234);
        assertThatThrownBy(() -> d.withFailRate(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sandboxLoginGetsRealTokensEvenWhenTheConsentPageIsShown() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withAutoApprove(false))) {
            var tokens = Http.json(SandboxLogin.login(sandbox));

            assertThat(tokens.get("access_token").asText()).isNotEmpty();
            assertThat(tokens.get("refresh_token").asText()).isNotEmpty();
            assertThat(Http.api(sandbox, tokens.get("access_token").asText(), "GET", "/v3/contacts", null).statusCode())
                    .isEqualTo(200);
        }
    }
}
