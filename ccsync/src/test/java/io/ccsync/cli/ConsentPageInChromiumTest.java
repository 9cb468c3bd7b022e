package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.auth.flow.TestSandbox;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole one-time step as a person does it: `ccsync authorize --no-browser` prints the URL, a real browser
 * (headless Chromium) opens it, shows the sandbox's consent page, Allow is clicked, the browser follows the redirect
 * to ccsync's receiver and shows it can be closed; `ccsync token` then reports a healthy token.
 */
class ConsentPageInChromiumTest {
    @TempDir
    Path dir;

    @Test
    void clickingAllowInARealBrowserConnectsCcsync() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.available(), "no browser to drive: " + HeadlessChromium.BINARY
                + " is missing (Debian: apt-get install -y chromium); the consent page is tested over HTTP in "
                + "AuthorizeCommandTest");
        try (TestSandbox sandbox = TestSandbox.start(dir)) {
            Cli.Running authorize = Cli.start(sandbox.overrides(), cli -> { }, "authorize", "--no-browser");
            URI url = URI.create(authorize.awaitOutput(AuthorizeCommandTest.URL));
            Path profile = Files.createDirectory(dir.resolve("chromium-profile"));

            try (HeadlessChromium browser = HeadlessChromium.open(url, profile)) {
                assertThat(browser.awaitValue("document.getElementById('allow') ? document.body.innerText : ''",
                        Duration.ofSeconds(30))).contains("contact_data", "offline_access");

                browser.evaluate("document.getElementById('allow').click()");

                String landing = browser.awaitValue("document.location.href.startsWith('" + sandbox.redirectUri
                        + "') && document.readyState === 'complete' ? document.body.innerText : ''",
                        Duration.ofSeconds(30));
                assertThat(landing).contains("ccsync is connected to Constant Contact", "You can close this window");
            }

            Cli.Result result = authorize.await();
            assertThat(result.exitCode()).as(result.all()).isZero();
            assertThat(result.out()).contains("Connected to Constant Contact.", "contact_data offline_access");
            AuthorizeCommandTest.assertNoSecrets(result.all(), sandbox);

            Cli.Result token = Cli.run(sandbox.overrides(), "token");
            assertThat(token.exitCode()).as(token.all()).isZero();
            assertThat(token.out()).contains("Constant Contact token: healthy", "contact_data offline_access");
        }
    }
}
