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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The token and device-authorization endpoints for the one-shot flows. The calls go through camel-http, the client
 * of the refresh route, configured by the same {@code camel.component.http.*} settings (timeouts, proxy, TLS), so
 * {@code ccsync authorize} reaches the token endpoint the way {@code ccsync run} does. Every token answer is judged
 * by {@link TokenResponse#read}, so the flows share run's messages.
 */
public final class TokenEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** For callers without ccsync's Camel context (tools and tests): camel-http with its defaults. */
    private static volatile CamelContext standalone;

    private final OAuthSettings settings;
    private final Clock clock;
    private final ProducerTemplate http;

    /** Calls through {@code camel}'s http component, the one {@code camel.component.http.*} configures. */
    public TokenEndpoint(OAuthSettings settings, Clock clock, CamelContext camel) {
        this.settings = settings;
        this.clock = clock;
        this.http = camel(camel).createProducerTemplate();
    }

    public TokenEndpoint(OAuthSettings settings, Clock clock) {
        this(settings, clock, null);
    }

    /** {@code camel}, or for callers without ccsync's context (tools and tests) one with camel-http's defaults. */
    static CamelContext camel(CamelContext camel) {
        return camel != null ? camel : standalone();
    }

    private static synchronized CamelContext standalone() {
        if (standalone == null) {
            CamelContext camel = new DefaultCamelContext() {
                /**
                 * None: this context is only an HTTP client. Camel's registry of developer consoles, a TreeSet
                 * started by iterating it, once threw ConcurrentModificationException as this context started.
                 */
                @Override
                protected DevConsoleRegistry createDevConsoleRegistry() {
                    return null;
                }
            };
            camel.start();
            standalone = camel;
        }
        return standalone;
    }

    /** An answer as received: status, content type and body. */
    private record Answer(int status, String contentType, String body) {
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
        Answer answer = post(settings.deviceUrl(), form, false);
        String type = answer.contentType() == null ? "" : answer.contentType();
        String body = answer.body() == null ? "" : answer.body().strip();
        if (type.toLowerCase().contains("text/html") || body.startsWith("<")) {
            throw new AuthorizationException("the device authorization URL " + settings.deviceUrl() + " answered "
                    + "with an HTML page (HTTP " + answer.status() + "), not JSON. ccsync.oauth.device-url must be "
                    + "the device endpoint (…/oauth2/default/v1/device/authorize).");
        }
        JsonNode json = parse(body);
        if (answer.status() != 200 || json == null || !json.hasNonNull("device_code")) {
            String error = json == null ? null : json.path("error").asText(null);
            String description = json == null ? null : json.path("error_description").asText(null);
            String said = "(HTTP " + answer.status() + (error == null ? "" : ", " + error)
                    + (description == null ? "" : ": " + description) + ")";
            if ("invalid_client".equals(error) || answer.status() == 401) {
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
        Answer answer = post(settings.tokenUrl(), form, true);
        return TokenResponse.read(answer.status(), answer.contentType(), answer.body(), grant, settings,
                clock.instant());
    }

    private Answer post(URI url, Map<String, String> form, boolean authenticate) {
        Map<String, String> body = new LinkedHashMap<>(form);
        String authorization = null;
        if (authenticate && settings.hasSecret()) {
            String pair = settings.clientId() + ":" + settings.clientSecret();
            authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        } else {
            body.putIfAbsent("client_id", settings.clientId()); // a public (PKCE or device) client names itself
        }
        String encoded = body.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        String basic = authorization;
        Exchange answer = http.request(url + (url.getRawQuery() == null ? "?" : "&")
                + "throwExceptionOnFailure=false&followRedirects=false", exchange -> {
                    var message = exchange.getMessage();
                    message.setHeader(Exchange.HTTP_METHOD, "POST");
                    message.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
                    message.setHeader("Accept", "application/json");
                    if (basic != null) {
                        message.setHeader("Authorization", basic);
                    }
                    message.setBody(encoded);
                });
        Throwable failure = answer.getException();
        if (failure != null) {
            throw new TokenEndpointException(TokenEndpointException.Kind.UNAVAILABLE, null, "cannot reach " + url
                    + " (" + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + "). Check the URL in "
                    + "config/application.properties and this machine's network.");
        }
        var message = answer.getMessage();
        return new Answer(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class),
                message.getHeader(Exchange.CONTENT_TYPE, String.class), message.getBody(String.class));
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
