package io.ccsync.auth.flow;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person at a browser, over plain HTTP: opens the authorize URL, clicks Allow or Deny on the sandbox's consent
 * page (posts its form), and follows the redirect to ccsync's receiver. Returns what the browser would show last.
 */
public final class Consent {
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Consent() {
    }

    public static HttpResponse<String> allow(URI authorizeUrl) {
        return decide(authorizeUrl, "allow");
    }

    public static HttpResponse<String> deny(URI authorizeUrl) {
        return decide(authorizeUrl, "deny");
    }

    /** A GET, no redirects followed. */
    public static HttpResponse<String> get(URI url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + url + " failed: " + e, e);
        }
    }

    /** POSTs a form, no redirects followed. */
    public static HttpResponse<String> post(URI url, Map<String, String> form, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(form(form))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("POST " + url + " failed: " + e, e);
        }
    }

    private static HttpResponse<String> decide(URI authorizeUrl, String decision) {
        HttpResponse<String> page = get(authorizeUrl);
        if (page.statusCode() == 200) {
            Map<String, String> form = new LinkedHashMap<>();
            Matcher m = HIDDEN.matcher(page.body());
            while (m.find()) {
                form.put(unescape(m.group(1)), unescape(m.group(2)));
            }
            form.put("decision", decision);
            URI action = authorizeUrl.resolve(authorizeUrl.getRawPath());
            page = post(action, form, null);
        }
        HttpResponse<String> last = page;
        String location = last.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("no redirect from the authorize page: HTTP "
                        + last.statusCode() + " " + last.body()));
        return get(URI.create(location)); // the browser lands on ccsync's receiver
    }

    static String form(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
