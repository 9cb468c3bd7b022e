package io.ccsync.auth;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The OAuth client configuration ({@code ccsync.oauth.*}). The secret is never part of {@link #toString()}.
 */
public record OAuthSettings(
        String clientId,
        String clientSecret,
        URI authorizeUrl,
        URI tokenUrl,
        URI deviceUrl,
        URI redirectUri,
        List<String> scopes) {

    /** Scopes ccsync cannot work without: contacts, and a refresh token. */
    public static final List<String> REQUIRED_SCOPES = List.of("contact_data", "offline_access");

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Reads {@code ccsync.oauth.*} through {@code property} (Camel's property resolver, or a test's map). */
    public static OAuthSettings from(Function<String, String> property) {
        return new OAuthSettings(
                blankToNull(property.apply("ccsync.oauth.client-id")),
                blankToNull(property.apply("ccsync.oauth.client-secret")),
                URI.create(property.apply("ccsync.oauth.authorize-url")),
                URI.create(property.apply("ccsync.oauth.token-url")),
                URI.create(property.apply("ccsync.oauth.device-url")),
                URI.create(property.apply("ccsync.oauth.redirect-uri")),
                withRequiredScopes(property.apply("ccsync.oauth.scopes")));
    }

    /** The configured scopes plus the ones ccsync needs, in order, without duplicates. */
    static List<String> withRequiredScopes(String configured) {
        Set<String> scopes = new LinkedHashSet<>();
        if (configured != null) {
            Arrays.stream(configured.split("[\\s,+]+")).filter(s -> !s.isBlank()).forEach(scopes::add);
        }
        scopes.addAll(REQUIRED_SCOPES);
        return List.copyOf(scopes);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The scopes as one space-separated string, the OAuth wire form. */
    public String scopeString() {
        return String.join(" ", scopes);
    }

    public boolean hasSecret() {
        return clientSecret != null;
    }

    /**
     * Catches configuration mistakes before any call: a missing client id, and id and secret swapped (the id is a
     * UUID, the secret is not).
     *
     * @throws IllegalStateException with the fix
     */
    public OAuthSettings requireUsable() {
        if (clientId == null) {
            throw new IllegalStateException("no client id configured. Set CC_CLIENT_ID (or ccsync.oauth.client-id in "
                    + "config/application.properties) to your application's API key from the Constant Contact "
                    + "developer portal.");
        }
        if (!UUID.matcher(clientId).matches() && clientSecret != null && UUID.matcher(clientSecret).matches()) {
            throw new IllegalStateException("the client id and client secret look swapped: the client id (API key) "
                    + "is a UUID, and the configured secret is one while the configured id is not. Swap CC_CLIENT_ID "
                    + "and CC_CLIENT_SECRET.");
        }
        return this;
    }

    @Override
    public String toString() {
        return "OAuthSettings[clientId=" + clientId + ", clientSecret=" + (hasSecret() ? "***" : "none")
                + ", tokenUrl=" + tokenUrl + ", redirectUri=" + redirectUri + ", scopes=" + scopes + "]";
    }
}
