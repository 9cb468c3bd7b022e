package io.ccsync.auth.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.TokenEndpointException;
import io.ccsync.auth.TokenResponse;
import io.ccsync.auth.TokenResponse.Grant;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The token and device-authorization endpoints for the one-shot flows (plain {@link HttpClient}: one call each, no
 * route needed). Every token answer is judged by {@link TokenResponse#read}, so the flows share run's messages.
 */
public final class TokenEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final OAuthSettings settings;
    private final Clock clock;
    private final HttpClient http;

    public TokenEndpoint(OAuthSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Exchanges an authorization code: Basic authentication with a secret, {@code client_id} without; PKCE always. */
    public TokenResponse exchangeCode(String code, AuthorizationRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", request.redirect().uri().toString());
        form.put("code_verifier", request.pkce().verifier());
        return token(form, Grant.AUTHORIZATION_CODE);
    }

    /** One poll of the device grant; {@code authorization_pending} and friends arrive as the exception's oauthError. */
    public TokenResponse pollDevice(String deviceCode) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("device_code", deviceCode);
        return token(form, Grant.DEVICE_CODE);
    }

    /** Starts the device flow (RFC 8628 section 3.1). */
    public DeviceAuthorization startDevice() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", settings.clientId());
        form.put("scope", settings.scopeString());
        HttpResponse<String> answer = post(settings.deviceUrl(), form, false);
        String type = answer.headers().firstValue("Content-Type").orElse("");
        String body = answer.body() == null ? "" : answer.body().strip();
        if (type.toLowerCase().contains("text/html") || body.startsWith("<")) {
            throw new AuthorizationException("the device authorization URL " + settings.deviceUrl() + " answered "
                    + "with an HTML page (HTTP " + answer.statusCode() + "), not JSON. ccsync.oauth.device-url must be "
                    + "the device endpoint (…/oauth2/default/v1/device/authorize).");
        }
        JsonNode json = parse(body);
        if (answer.statusCode() != 200 || json == null || !json.hasNonNull("device_code")) {
            String error = json == null ? null : json.path("error").asText(null);
            String description = json == null ? null : json.path("error_description").asText(null);
            String said = "(HTTP " + answer.statusCode() + (error == null ? "" : ", " + error)
                    + (description == null ? "" : ": " + description) + ")";
            if ("invalid_client".equals(error) || answer.statusCode() == 401) {
                throw new AuthorizationException("the device authorization endpoint rejected the client " + said
                        + ". Check CC_CLIENT_ID (the API key, a UUID), and that your application uses the device "
                        + "flow in the Constant Contact developer portal.");
            }
            throw new AuthorizationException("the device authorization endpoint refused the request " + said + ".");
        }
        return new DeviceAuthorization(
                json.get("device_code").asText(),
                json.path("user_code").asText(),
                URI.create(json.path("verification_uri").asText()),
                json.hasNonNull("verification_uri_complete") ? URI.create(json.get("verification_uri_complete").asText())
                        : null,
                Duration.ofSeconds(json.path("expires_in").asLong(600)),
                Duration.ofSeconds(Math.max(1, json.path("interval").asLong(5))));
    }

    private TokenResponse token(Map<String, String> form, Grant grant) {
        HttpResponse<String> answer = post(settings.tokenUrl(), form, true);
        return TokenResponse.read(answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(null),
                answer.body(), grant, settings, clock.instant());
    }

    private HttpResponse<String> post(URI url, Map<String, String> form, boolean authenticate) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        Map<String, String> body = new LinkedHashMap<>(form);
        if (authenticate && settings.hasSecret()) {
            String pair = settings.clientId() + ":" + settings.clientSecret();
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            body.putIfAbsent("client_id", settings.clientId()); // a public (PKCE or device) client names itself
        }
        String encoded = body.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        try {
            return http.send(request.POST(HttpRequest.BodyPublishers.ofString(encoded)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenEndpointException(TokenEndpointException.Kind.UNAVAILABLE, null, "cannot reach " + url
                    + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "). Check the URL in config/application.properties and this machine's network.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthorizationException("interrupted while calling " + url);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body.isEmpty() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
