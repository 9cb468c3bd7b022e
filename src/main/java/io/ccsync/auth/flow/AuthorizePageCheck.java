package io.ccsync.auth.flow;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Looks at the authorize page before the person is sent there. The authorization server refuses an unregistered
 * redirect URI or an unknown client on its own error page, which ccsync's receiver never sees; asking first lets
 * ccsync print that refusal (the sandbox and Okta both name the redirect URI) next to the configured value. This is
 * a look only: no code is ever taken from the answer, and any answer that is not a refusal lets the flow go on.
 */
public final class AuthorizePageCheck {
    private static final int MAX_TEXT = 600;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * @throws AuthorizationException when the server refused the request outright
     */
    public void check(AuthorizationRequest request) {
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(request.uri()).timeout(Duration.ofSeconds(15))
                    .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return; // unreachable from here (a proxy, say) may still work in the browser: let the person try
        }
        int status = answer.statusCode();
        if (status >= 300 && status < 400) {
            Optional<String> location = answer.headers().firstValue("Location");
            if (location.isPresent() && location.get().startsWith(request.redirect().uri().toString())) {
                String query = URI.create(location.get()).getRawQuery();
                String error = param(query, "error");
                if (error != null) {
                    throw LoopbackReceiver.denied(error, param(query, "error_description"));
                }
            }
            return;
        }
        if (status >= 400) {
            throw new AuthorizationException("the authorize page " + request.settings().authorizeUrl()
                    + " refused the request (HTTP " + status + "): \"" + text(answer.body()) + "\". ccsync sent "
                    + "client_id=" + request.settings().clientId() + " and redirect_uri=" + request.redirect()
                    + " (ccsync.oauth.redirect-uri). The redirect URI must be registered for your application in the "
                    + "Constant Contact developer portal exactly as configured, character for character (scheme, "
                    + "host, port, path, trailing slash); register it, or set ccsync.oauth.redirect-uri to the "
                    + "registered value. Then run `ccsync authorize` again.");
        }
    }

    /** The page's visible text, short: enough to show "Sent: … Registered: …". */
    static String text(String html) {
        if (html == null) {
            return "";
        }
        String text = html.replaceAll("(?is)<(script|style|title)[^>]*>.*?</\\1>", " ")
                .replaceAll("(?s)<[^>]*>", " ")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&")
                .replaceAll("\\s+", " ").strip();
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    private static String param(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
