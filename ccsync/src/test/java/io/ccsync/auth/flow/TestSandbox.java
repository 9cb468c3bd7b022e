package io.ccsync.auth.flow;

import io.ccsync.auth.FileTokenStore;
import io.ccsync.auth.OAuthSettings;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.FreePort;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A sandbox with a redirect URI on a free loopback port registered, and the ccsync settings that point at it. For
 * the flow and command tests.
 */
public final class TestSandbox implements AutoCloseable {
    public final Sandbox sandbox;
    public final String redirectUri;
    public final Path tokenFile;

    private TestSandbox(Sandbox sandbox, String redirectUri, Path tokenFile) {
        this.sandbox = sandbox;
        this.redirectUri = redirectUri;
        this.tokenFile = tokenFile;
    }

    /** Consent page shown (no auto-approve), 50 token calls a second so tests are not throttled. */
    public static TestSandbox start(Path dir, UnaryOperator<SandboxOptions> options) {
        String redirect = "http://localhost:" + FreePort.get() + "/callback";
        Sandbox sandbox = Sandbox.start(options.apply(SandboxOptions.defaults().withPort(0).withTokenRateLimit(50)
                .withRedirectUris(List.of(redirect))));
        return new TestSandbox(sandbox, redirect, dir.resolve("tokens.json"));
    }

    public static TestSandbox start(Path dir) {
        return start(dir, o -> o);
    }

    /** The settings ccsync reads, pointed at this sandbox and a token file in the test's folder. */
    public Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("ccsync.oauth.authorize-url", sandbox.authorizeUrl());
        o.put("ccsync.oauth.token-url", sandbox.tokenUrl());
        o.put("ccsync.oauth.device-url", sandbox.deviceUrl());
        o.put("ccsync.api.base-url", sandbox.apiUrl());
        o.put("ccsync.oauth.client-id", sandbox.clientId());
        o.put("ccsync.oauth.client-secret", sandbox.clientSecret());
        o.put("ccsync.oauth.redirect-uri", redirectUri);
        o.put("ccsync.token.file", tokenFile.toString());
        o.put("ccsync.token.scheduler-enabled", "false");
        o.put("ccsync.optouts.enabled", "false");
        o.put("ccsync.token.retry.delay", "200");
        return o;
    }

    public OAuthSettings settings() {
        return OAuthSettings.from(overrides()::get);
    }

    public OAuthSettings settings(List<String> scopes) {
        OAuthSettings s = settings();
        return new OAuthSettings(s.clientId(), s.clientSecret(), s.authorizeUrl(), s.tokenUrl(), s.deviceUrl(),
                s.redirectUri(), scopes);
    }

    public FileTokenStore store() {
        return new FileTokenStore(tokenFile);
    }

    public URI redirect() {
        return URI.create(redirectUri);
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
