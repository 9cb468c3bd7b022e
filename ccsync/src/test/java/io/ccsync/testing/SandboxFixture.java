package io.ccsync.testing;

import io.ccsync.auth.FileTokenStore;
import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.TokenResponse;
import io.ccsync.auth.TokenStore;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Points ccsync at a running sandbox and stores a real authorization in a test's token file. */
public final class SandboxFixture {
    private SandboxFixture() {
    }

    /** The settings that point ccsync at {@code sandbox}, with tokens in {@code tokenFile}. */
    public static Map<String, String> settings(Sandbox sandbox, Path tokenFile) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ccsync.api.base-url", sandbox.apiUrl());
        s.put("ccsync.oauth.authorize-url", sandbox.authorizeUrl());
        s.put("ccsync.oauth.token-url", sandbox.tokenUrl());
        s.put("ccsync.oauth.device-url", sandbox.deviceUrl());
        s.put("ccsync.oauth.client-id", sandbox.clientId());
        s.put("ccsync.oauth.client-secret", sandbox.clientSecret());
        s.put("ccsync.oauth.redirect-uri", sandbox.redirectUri());
        s.put("ccsync.token.file", tokenFile.toString());
        return s;
    }

    /** A real authorization-code exchange with the sandbox, stored as `ccsync authorize` would store it. */
    public static TokenStore authorize(Sandbox sandbox, Path tokenFile) {
        String body = SandboxLogin.login(sandbox);
        OAuthSettings settings = OAuthSettings.from(key -> settings(sandbox, tokenFile).getOrDefault(key, "contact_data offline_access"));
        TokenResponse response = TokenResponse.read(200, "application/json", body,
                TokenResponse.Grant.AUTHORIZATION_CODE, settings, Instant.now());
        FileTokenStore store = new FileTokenStore(tokenFile);
        store.write(store.read().authorized(response, Instant.now()));
        return store;
    }

    /**
     * Makes the custom field the shipped config/mapping.yaml maps ({@code favourite_colour}) in the sandbox account,
     * as its owner would in Constant Contact: outside ccsync, so it is not one of ccsync's calls.
     */
    public static void createTheMappingsCustomField(Sandbox sandbox, String accessToken) {
        try {
            HttpResponse<String> made = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(sandbox.apiUrl() + "/contact_custom_fields"))
                    .header("Authorization", "Bearer " + accessToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"favourite_colour\",\"type\":\"string\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (made.statusCode() != 201) {
                throw new IllegalStateException("custom field: " + made.statusCode() + " " + made.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A refresh grant sent to the sandbox's token endpoint by hand, outside ccsync (another program, or the half of a
     * refresh a killed process made): its answer as the server sent it. The sandbox allows one token call per second,
     * so a 429 is waited out instead of sleeping blindly.
     */
    public static HttpResponse<String> refreshDirectly(Sandbox sandbox, String refreshToken) {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((sandbox.clientId() + ":"
                + sandbox.clientSecret()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        HttpResponse<String>[] answer = new HttpResponse[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(250)).until(() -> {
                    answer[0] = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.tokenUrl()))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Authorization", basic)
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token="
                                    + java.net.URLEncoder.encode(refreshToken, java.nio.charset.StandardCharsets.UTF_8)))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    return answer[0].statusCode() != 429;
                });
        return answer[0];
    }
}
