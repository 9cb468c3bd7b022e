package io.ccsync.auth.flow;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Looks at the authorize page before the person is sent there. The authorization server refuses an unregistered
 * redirect URI or an unknown client on its own error page, which ccsync's receiver never sees; asking first lets
 * ccsync print that refusal (the sandbox and Okta both name the redirect URI) next to the configured value. This is
 * a look only: no code is ever taken from the answer, and any answer that is not a refusal lets the flow go on.
 *
 * <p>The look goes through camel-http like the token endpoint calls ({@link TokenEndpoint}), so the
 * {@code camel.component.http.*} proxy, TLS and timeout settings reach it too. Redirects are never followed: an
 * auto-approving server redirects to ccsync's own receiver with a code, which this look must not deliver.
 */
public final class AuthorizePageCheck {
    private static final int MAX_TEXT = 600;

    private final ProducerTemplate http;

    /** @param camel ccsync's Camel context (its http component), or null for camel-http with its defaults */
    public AuthorizePageCheck(CamelContext camel) {
        this.http = TokenEndpoint.camel(camel).createProducerTemplate();
    }

    /**
     * @throws AuthorizationException when the server refused the request outright
     */
    public void check(AuthorizationRequest request) {
        URI page = request.uri();
        String withoutQuery = page.getScheme() + "://" + page.getRawAuthority() + page.getRawPath();
        Exchange answer = http.request(withoutQuery + "?throwExceptionOnFailure=false&followRedirects=false",
                exchange -> {
                    var message = exchange.getMessage();
                    message.setHeader(Exchange.HTTP_METHOD, "GET");
                    // the query exactly as AuthorizationRequest encoded it, not re-encoded by an endpoint URI
                    message.setHeader(Exchange.HTTP_QUERY, page.getRawQuery());
                    message.setHeader("Accept", "text/html");
                });
        if (answer.getException() != null) {
            return; // unreachable from here (a proxy, say) may still work in the browser: let the person try
        }
        var message = answer.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 300 && status < 400) {
            String location = message.getHeader("Location", String.class);
            if (location != null && location.startsWith(request.redirect().uri().toString())) {
                String query = URI.create(location).getRawQuery();
                String error = param(query, "error");
                if (error != null) {
                    throw LoopbackReceiver.denied(error, param(query, "error_description"));
                }
            }
            return;
        }
        if (status >= 400) {
            throw new AuthorizationException("the authorize page " + request.settings().authorizeUrl()
                    + " refused the request (HTTP " + status + "): \"" + text(message.getBody(String.class))
                    + "\". ccsync sent "
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
