package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/** The tests' HTTP client: real requests to a sandbox, redirects not followed, answers as a client sees them. */
public final class Http {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Http() {
    }

    /** Options for tests that are not about limits: any port, auto-approve, limits out of the way. */
    public static SandboxOptions relaxed() {
        return SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRateLimit(100_000).withTokenRateLimit(100_000).withImportStepDelay(Duration.ofMillis(10));
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpClient client() {
        return CLIENT;
    }

    public static HttpResponse<String> get(String url, String... headers) {
        return send(request(url, headers).GET().build());
    }

    public static HttpResponse<String> postForm(String url, Map<String, String> form, String... headers) {
        return send(request(url, headers).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build());
    }

    public static HttpRequest.Builder request(String url, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    /** A V3 call with a bearer token; a JSON body when body is not null. */
    public static HttpResponse<String> api(Sandbox sandbox, String token, String method, String path, String body) {
        HttpRequest.Builder b = request(sandbox.baseUrl() + path, "Authorization", "Bearer " + token);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return send(b.build());
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    public static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** The query parameters of a redirect's Location. */
    public static Map<String, String> redirectParams(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow();
        Map<String, String> out = new LinkedHashMap<>();
        HttpCall.decode(URI.create(location).getRawQuery()).forEach((k, v) -> out.put(k, v.get(0)));
        return out;
    }

    /** The authorize URL for the sandbox's client with these extra parameters. */
    public static String authorizeUrl(Sandbox sandbox, String... extra) {
        Map<String, String> p = params("client_id", sandbox.clientId(), "redirect_uri", sandbox.redirectUri(),
                "response_type", "code", "scope", "contact_data offline_access", "state", "xyz");
        p.putAll(params(extra));
        return sandbox.authorizeUrl() + "?" + form(p);
    }

    /** An auto-approve sandbox's code, from the authorize redirect. */
    public static String code(Sandbox sandbox, String... extra) {
        HttpResponse<String> r = get(authorizeUrl(sandbox, extra));
        if (r.statusCode() != 302) {
            throw new IllegalStateException("authorize answered " + r.statusCode() + ": " + r.body());
        }
        return redirectParams(r).get("code");
    }

    public static HttpResponse<String> exchange(Sandbox sandbox, String code) {
        return postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code", "code", code,
                "redirect_uri", sandbox.redirectUri()), "Authorization", basic(sandbox.clientId(), sandbox.clientSecret()));
    }

    public static HttpResponse<String> refresh(Sandbox sandbox, String refreshToken) {
        return postForm(sandbox.tokenUrl(), params("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", basic(sandbox.clientId(), sandbox.clientSecret()));
    }

    /** A fresh access token with the given scopes. */
    public static String accessToken(Sandbox sandbox, String scope) {
        return json(SandboxLogin.login(sandbox, scope)).get("access_token").asText();
    }

    public static String accessToken(Sandbox sandbox) {
        return accessToken(sandbox, "contact_data offline_access");
    }

    public static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
