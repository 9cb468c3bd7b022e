package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gets real tokens from a sandbox the way a client would, over HTTP: the authorize request (clicking Allow
 * when the sandbox shows its consent page), then the code exchanged at the token endpoint with Basic auth.
 * Returns the token endpoint's JSON body as is. For tests and the demo; never for Constant Contact itself.
 */
public final class SandboxLogin {
    public static final String DEFAULT_SCOPE = "contact_data offline_access";
    private static final int TOKEN_ATTEMPTS = 5;

    private SandboxLogin() {
    }

    /** Tokens with {@code contact_data offline_access}. */
    public static String login(Sandbox sandbox) {
        return login(sandbox, DEFAULT_SCOPE);
    }

    public static String login(Sandbox sandbox, String scope) {
        return login(URI.create(sandbox.baseUrl()), sandbox.clientId(), sandbox.clientSecret(), sandbox.redirectUri(),
                scope);
    }

    /** Against a sandbox in another process (the demo), by its base URL. */
    public static String login(URI baseUrl, String clientId, String clientSecret, String redirectUri, String scope) {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String base = baseUrl.toString().replaceAll("/+$", "");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("response_type", "code");
        params.put("scope", scope);
        params.put("state", "sandbox-login");
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                    URI.create(base + AuthorizationServer.AUTHORIZE + "?" + form(params))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() == 200) {
                params.put("decision", "allow"); // click Allow on the consent page
                page = http.send(HttpRequest.newBuilder(URI.create(base + AuthorizationServer.AUTHORIZE))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(params))).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            String location = page.headers().firstValue("Location").orElse(null);
            if (page.statusCode() != 302 || location == null) {
                throw new IllegalStateException("the sandbox's authorize page answered " + page.statusCode()
                        + " instead of redirecting: " + page.body());
            }
            Map<String, List<String>> back = HttpCall.decode(URI.create(location).getRawQuery());
            if (!back.containsKey("code")) {
                throw new IllegalStateException("the sandbox refused the authorization: " + back.get("error")
                        + " " + back.get("error_description"));
            }
            Map<String, String> token = new LinkedHashMap<>();
            token.put("grant_type", "authorization_code");
            token.put("code", back.get("code").get(0));
            token.put("redirect_uri", redirectUri);
            String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + AuthorizationServer.TOKEN))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + basic)
                    .POST(HttpRequest.BodyPublishers.ofString(form(token))).build();
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return answer.body();
                }
                // The token endpoint allows one call a second; a helper should not make its caller care.
                if (answer.statusCode() == 429 && attempt < TOKEN_ATTEMPTS) {
                    Thread.sleep(1_100);
                    continue;
                }
                JsonNode error = parseQuietly(answer.body());
                throw new IllegalStateException("the sandbox's token endpoint answered " + answer.statusCode() + ": "
                        + (error == null ? answer.body() : error.toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the sandbox at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logging in to the sandbox", e);
        }
    }

    private static JsonNode parseQuietly(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
