package io.ccsync.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.auth.TokenCache;
import io.ccsync.auth.TokenState;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import io.ccsync.testing.FreePort;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel's own tools on a running ccsync, from their side of the wire: Camel JBang is not installable here, so this
 * reads what its commands read. `camel get` and `camel top` read ~/.camel/PID-status.json and `camel trace` tails
 * ~/.camel/PID-trace.json, both written by camel-cli-connector; the developer console answers on the management port.
 * With tracing on, a refresh of a rotating token and API calls leave no token, code or client secret in any trace.
 */
class CamelToolingTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path CAMEL_DIR = Path.of(System.getProperty("user.home"), ".camel");
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;
    private int managementPort;

    @AfterEach
    void stop() {
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void camelJBangSeesTheRoutesInTheConnectorsStatusFile() throws Exception {
        start(Map.of());

        Path status = CAMEL_DIR.resolve(PID + "-status.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.isRegularFile(status)
                && read(status).contains("\"token-refresh\""));
        String text = read(status);
        assertThat(text).contains("\"name\":\"ccsync\"").contains("\"contacts\"").contains("\"upsert-contact\"")
                .contains("\"file-inbox\"");
    }

    @Test
    void theDeveloperConsoleAnswersOnTheManagementPort() throws Exception {
        start(Map.of("camel.management.dev-console-enabled", "true"));

        HttpResponse<String> routes = get("/q/dev/route");
        HttpResponse<String> health = get("/observe/health");

        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body()).contains("token-refresh").contains("contacts");
        assertThat(health.statusCode()).as("health stays where it was").isEqualTo(200);
    }

    @Test
    void theDeveloperConsoleIsNotServedUnlessSwitchedOn() throws Exception {
        start(Map.of());

        assertThat(get("/q/dev/route").statusCode()).isEqualTo(404);
    }

    @Test
    void tracingARotatingRefreshAndApiCallsShowsNoSecret() throws Exception {
        start(Map.of("camel.trace.enabled", "true", "camel.management.dev-console-enabled", "true"));
        TokenCache cache = ccsync.bean("tokenCache", TokenCache.class);
        TokenState before = ccsync.bean("tokenStore", io.ccsync.auth.TokenStore.class).read();

        cache.refreshNow();
        ccsync.template().requestBody("direct:contacts", List.of(
                record(1, "traced1@example.com"), record(2, "traced2@example.com")));
        TokenState after = ccsync.bean("tokenStore", io.ccsync.auth.TokenStore.class).read();
        assertThat(after.refreshToken()).as("rotated").isNotEqualTo(before.refreshToken());

        Path traceFile = CAMEL_DIR.resolve(PID + "-trace.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.isRegularFile(traceFile)
                && read(traceFile).contains("traced2@example.com"));
        String traces = read(traceFile) + get("/q/dev/trace").body();
        assertThat(traces).as("the trace is not empty: the delivery route was traced").contains("\"routeId\":\"contacts\"");

        List<String> secrets = new ArrayList<>(Sandbox.secretsIssuedInThisJvm());
        secrets.addAll(List.of(before.accessToken(), before.refreshToken(), after.accessToken(), after.refreshToken(),
                sandbox.clientSecret(), Base64.getEncoder().encodeToString(
                        (sandbox.clientId() + ":" + sandbox.clientSecret()).getBytes(StandardCharsets.UTF_8))));
        for (String secret : secrets) {
            assertThat(traces.contains(secret)).as("a secret (%s...) in the trace", secret.substring(0, 6)).isFalse();
        }
        assertThat(traces).doesNotContain("Bearer ").doesNotContain("Basic ").doesNotContain("refresh_token=")
                .as("the API calls were traced, their Authorization masked").contains("\"key\":\"Authorization\"");
    }

    private void start(Map<String, String> more) throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withRefreshMode(RefreshMode.ROTATING).withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        managementPort = FreePort.get();
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        settings.putAll(Map.of(
                "camel.management.enabled", "true",
                "camel.management.port", Integer.toString(managementPort),
                "ccsync.token.retry.delay", "1100", // one token call a second: the refresh right after the login waits
                "ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync"),
                "ccsync.delivery.check-names-at-start", "false"));
        settings.putAll(more);
        // as `ccsync run` starts it: the one command Camel JBang can inspect
        ccsync = RunningCcsync.start(settings, Map.of("cliConnectorFactory", enabledCliConnector()));
        SandboxFixture.createTheMappingsCustomField(sandbox, ccsync.bean("tokenCache", TokenCache.class)
                .accessToken().value());
    }

    private static SourceRecord record(int n, String email) {
        return new SourceRecord("traced.csv", "line " + n, Map.of("email", email, "first_name", "T" + n));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }


    private static DefaultCliConnectorFactory enabledCliConnector() {
        DefaultCliConnectorFactory factory = new DefaultCliConnectorFactory();
        factory.setEnabled(true);
        return factory;
    }
}
