package io.ccsync.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.auth.TokenEndpointException.Kind;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A token endpoint answer, validated: the one place that decides whether what came back can be used. Every grant
 * (authorization code, device code, refresh) goes through {@link #read}, so every flow fails with the same clear
 * messages.
 */
public record TokenResponse(AccessToken accessToken, String refreshToken, String scope) {
    // refreshToken is null only for a refresh answer without one: the current refresh token stays (RFC 6749 s. 6).

    /** Which grant was asked for; it changes what an {@code invalid_grant} means. */
    public enum Grant { AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Turns an HTTP answer of the token endpoint into a usable response, or a {@link TokenEndpointException} whose
     * message names the cause and the fix.
     */
    public static TokenResponse read(int status, String contentType, String body, Grant grant,
            OAuthSettings settings, Instant now) {
        String text = body == null ? "" : body.strip();
        if (looksLikeHtml(contentType, text)) {
            throw new TokenEndpointException(Kind.BAD_RESPONSE, null, "the token URL " + settings.tokenUrl()
                    + " answered with an HTML page (HTTP " + status + "), not JSON. ccsync.oauth.token-url must be "
                    + "the token endpoint (…/oauth2/default/v1/token), not the authorize page or a web site.");
        }
        JsonNode json = parse(text);
        if (status == 429) {
            throw new TokenEndpointException(Kind.RATE_LIMITED, error(json),
                    "the token endpoint is rate limited (HTTP 429: at most one token call per second); retrying later.");
        }
        if (status >= 500) {
            throw new TokenEndpointException(Kind.UNAVAILABLE, error(json),
                    "the token endpoint failed (HTTP " + status + "); retrying later.");
        }
        if (status != 200) {
            throw rejection(status, json, grant, settings);
        }
        return validated(json, grant, settings, now);
    }

    /**
     * A 200's body kept before its pair could be stored ({@link TokenStore#incoming()}), judged like a new answer but
     * for the access token's expiry: it may have expired since the answer was kept, and the refresh token beside it
     * renews it. What else is wrong (no contact_data, another client, no refresh token, not a JWT) still is.
     */
    public static TokenResponse readKept(String body, Grant grant, OAuthSettings settings) {
        return validated(parse(body == null ? "" : body.strip()), grant, settings, null);
    }

    /** @param now the instant the access token must outlive; null to leave its expiry unjudged */
    private static TokenResponse validated(JsonNode json, Grant grant, OAuthSettings settings, Instant now) {
        String value = json == null ? null : text(json, "access_token");
        if (value == null) {
            throw new TokenEndpointException(Kind.BAD_RESPONSE, null,
                    "the token endpoint answered 200 without an access_token: check ccsync.oauth.token-url.");
        }
        AccessToken token;
        try {
            token = AccessToken.parse(value);
        } catch (AccessToken.NotAJwtException e) {
            throw new TokenEndpointException(Kind.BAD_RESPONSE, null, AccessToken.ENCRYPTED.equals(e.getMessage())
                    ? "the token endpoint's " + e.getMessage().substring(4)
                    : "the token endpoint returned an access token that is not a JWT; ccsync.oauth.token-url may "
                    + "point at the wrong server.");
        }
        if (now != null && !token.expiresAt().isAfter(now)) {
            throw new TokenEndpointException(Kind.BAD_RESPONSE, null, "the token endpoint returned an access token "
                    + "that expired at " + token.expiresAt() + "; check this machine's clock.");
        }
        if (token.clientId() != null && !token.clientId().equals(settings.clientId())) {
            throw new TokenEndpointException(Kind.BAD_RESPONSE, null, "the access token was issued to client "
                    + token.clientId() + ", not to the configured client " + settings.clientId()
                    + ". The stored tokens belong to another application: run `ccsync authorize` with this one.");
        }
        String scope = text(json, "scope");
        List<String> granted = scope != null ? Arrays.asList(scope.trim().split("\\s+")) : token.scopes();
        if (!granted.contains("contact_data")) {
            throw new TokenEndpointException(Kind.BAD_RESPONSE, null, "the token was granted without the "
                    + "contact_data scope (granted: " + String.join(" ", granted) + "), so ccsync cannot read or "
                    + "write contacts. Add contact_data to ccsync.oauth.scopes and run `ccsync authorize` again.");
        }
        String refreshToken = text(json, "refresh_token");
        if (refreshToken == null && grant != Grant.REFRESH_TOKEN) {
            throw new TokenEndpointException(Kind.BAD_RESPONSE, null, "no refresh token came back, so access would "
                    + "end in 24 hours. The offline_access scope was not granted (granted: " + String.join(" ", granted)
                    + "). Add offline_access to ccsync.oauth.scopes and run `ccsync authorize` again.");
        }
        return new TokenResponse(token, refreshToken, String.join(" ", granted));
    }

    /**
     * The refresh token in a 200 answer, read before anything else is judged: when the access token next to it is
     * unusable, this is what must not be lost. Null when the answer has none ("unchanged") or is not JSON.
     */
    public static String refreshTokenOf(String body) {
        JsonNode json = parse(body == null ? "" : body.strip());
        return json == null || !json.isObject() ? null : text(json, "refresh_token");
    }

    private static TokenEndpointException rejection(int status, JsonNode json, Grant grant, OAuthSettings settings) {
        String error = error(json);
        String description = json == null ? null : text(json, "error_description");
        String said = " (HTTP " + status + ", " + (error == null ? "no error code" : error)
                + (description == null ? "" : ": " + description) + ")";
        if ("invalid_client".equals(error) || status == 401) {
            return new TokenEndpointException(Kind.INVALID_CLIENT, error, "the token endpoint rejected the client "
                    + "credentials" + said + ". Check CC_CLIENT_ID (the API key, a UUID) and CC_CLIENT_SECRET, and "
                    + "that they are not swapped.");
        }
        if ("invalid_grant".equals(error)) {
            return new TokenEndpointException(Kind.INVALID_GRANT, error, switch (grant) {
                case REFRESH_TOKEN -> "the refresh token was rejected (invalid_grant): it was used elsewhere or "
                        + "expired. Run `ccsync authorize` once to reconnect.";
                case AUTHORIZATION_CODE -> "the authorization code was rejected" + said + ". Codes live 5 minutes "
                        + "and work once, and the redirect URI must be exactly " + settings.redirectUri()
                        + " in both steps. Run `ccsync authorize` again.";
                case DEVICE_CODE -> "the device code was rejected" + said + ". Run `ccsync device-login` again.";
            });
        }
        return new TokenEndpointException(Kind.REJECTED, error, "the token endpoint refused the request" + said + ".");
    }

    private static boolean looksLikeHtml(String contentType, String text) {
        return (contentType != null && contentType.toLowerCase().contains("text/html"))
                || text.regionMatches(true, 0, "<!doctype", 0, 9) || text.regionMatches(true, 0, "<html", 0, 5);
    }

    private static JsonNode parse(String text) {
        try {
            return text.isEmpty() ? null : JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String error(JsonNode json) {
        return json == null ? null : text(json, "error");
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    @Override
    public String toString() {
        return "TokenResponse[" + accessToken + ", scope=" + scope + ", refreshToken=***]";
    }
}
