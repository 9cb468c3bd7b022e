package io.ccsync.auth.flow;

import io.ccsync.auth.OAuthSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One authorization attempt: a fresh {@code state} and PKCE pair, and the authorize URL a person opens. PKCE is sent
 * always; a client with a secret also authenticates with it at the exchange.
 */
public record AuthorizationRequest(OAuthSettings settings, RedirectUri redirect, String state, Pkce pkce) {

    public static AuthorizationRequest create(OAuthSettings settings) {
        return new AuthorizationRequest(settings, RedirectUri.of(settings.redirectUri()), Pkce.random(24),
                Pkce.create());
    }

    /** The authorize URL. Scopes are space separated and encoded as {@code +}, never {@code %2B}. */
    public URI uri() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", settings.clientId());
        q.put("redirect_uri", redirect.uri().toString());
        q.put("response_type", "code");
        q.put("scope", settings.scopeString());
        q.put("state", state);
        q.put("code_challenge", pkce.challenge());
        q.put("code_challenge_method", "S256");
        String query = q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String base = settings.authorizeUrl().toString();
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }
}
