package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.auth.flow.TestSandbox;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccsync device-login} end to end; slow_down, expiry and denial are in DeviceFlowTest. */
class DeviceLoginCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsUrlAndCodeAndStoresTheTokensWhenApproved() {
        try (TestSandbox sandbox = TestSandbox.start(dir, o -> o.withAutoApprove(true))) {
            Cli.Result result = Cli.start(sandbox.overrides(),
                    cli -> Cli.deviceLogin(cli).sleeper = d -> { }, "device-login").await();

            assertThat(result.exitCode()).as(result.all()).isZero();
            assertThat(result.out()).contains(sandbox.sandbox.deviceVerificationUrl(), "enter the code",
                    "Connected to Constant Contact.", "contact_data offline_access",
                    "account (sub)    sandbox.user@example.com",
                    "If sandbox.user@example.com is not the account you meant");
            assertThat(sandbox.store().read().hasTokens()).isTrue();
            AuthorizeCommandTest.assertNoSecrets(result.all(), sandbox);

            Cli.Result token = Cli.run(sandbox.overrides(), "token");
            assertThat(token.exitCode()).isZero();
        }
    }

    @Test
    void aDeviceUrlAnsweringHtmlIsNamed() {
        try (TestSandbox sandbox = TestSandbox.start(dir)) {
            Map<String, String> o = sandbox.overrides();
            o.put("ccsync.oauth.device-url", sandbox.sandbox.authorizeUrl());

            Cli.Result result = Cli.run(o, "device-login");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("answered with an HTML page", "ccsync.oauth.device-url");
        }
    }
}
