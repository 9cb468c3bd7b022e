package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Constant Contact's authorization server (Okta underneath): the consent page, the token endpoint with the
 * authorization-code, refresh and device grants, the device flow's pages, and the signing keys.
 */
final class AuthorizationServer {
    static final String BASE = "/oauth2/default/v1";
    static final String AUTHORIZE = BASE + "/authorize";
    static final String TOKEN = BASE + "/token";
    static final String DEVICE_AUTHORIZE = BASE + "/device/authorize";
    static final String DEVICE_PAGE = BASE + "/device";
    static final String KEYS = BASE + "/keys";
    static final String AUTH_SERVER_ID = "aus1lm3ry9mF7x2Ja0h8";
    /** Constant Contact publishes its keys under the issuer too; clients may use either. */
    static final String ISSUER_KEYS = "/oauth2/" + AUTH_SERVER_ID + "/v1/keys";

    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    static final String INVALID_REFRESH = "The refresh token is invalid or expired.";
    private static final Set<String> KNOWN_SCOPES = Set.of("contact_data", "campaign_data", "account_read",
            "account_update", "offline_access", "openid", "profile", "email");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** A token-endpoint answer in OAuth shape. */
    private static final class OAuthError extends Exception {
        final int status;
        final String error;

        OAuthError(int status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    private final SandboxOptions options;
    private final Clock clock;
    private final TokenIssuer issuer;
    private final String baseUrl;
    private final String subject;
    private final String platformUserId;
    private final RateLimits tokenLimits;
    private final Grants grants = new Grants();

    AuthorizationServer(SandboxOptions options, TokenIssuer issuer, String baseUrl, String subject,
            String platformUserId) {
        this.options = options;
        this.clock = options.clock();
        this.issuer = issuer;
        this.baseUrl = baseUrl;
        this.subject = subject;
        this.platformUserId = platformUserId;
        this.tokenLimits = new RateLimits(options.tokenRateLimit(), Integer.MAX_VALUE, clock);
    }

    void handle(HttpCall call) throws IOException {
        switch (call.path()) {
            case AUTHORIZE -> authorize(call);
            case TOKEN -> token(call);
            case DEVICE_AUTHORIZE -> deviceAuthorize(call);
            case DEVICE_PAGE -> devicePage(call);
            case KEYS, ISSUER_KEYS -> call.send(200, "application/json", issuer.jwks().getBytes(StandardCharsets.UTF_8));
            default -> call.json(404, Json.oauthError("not_found", "No such endpoint: " + call.path()));
        }
    }

    // ---- authorize: the browser page ----

    private void authorize(HttpCall call) throws IOException {
        if (!call.method().equals("GET") && !call.method().equals("POST")) {
            call.html(405, Html.page("Method not allowed", "<h1>Method not allowed</h1>"));
            return;
        }
        Map<String, String> p = call.params();
        String clientId = p.get("client_id");
        call.clientId(clientId);
        if (clientId == null || !clientId.equals(options.clientId())) {
            // Never redirect for an unknown client: the redirect URI cannot be trusted.
            call.html(400, Html.page("Unknown client", "<h1>Unknown client</h1><p>The client_id <code>"
                    + Html.escape(clientId) + "</code> is not registered with this authorization server.</p>"));
            return;
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || !options.redirectUris().contains(redirectUri)) {
            StringBuilder registered = new StringBuilder("<ul>");
            options.redirectUris().forEach(u -> registered.append("<li><code>").append(Html.escape(u)).append("</code></li>"));
            registered.append("</ul>");
            call.html(400, Html.page("Redirect URI mismatch", "<h1>The redirect_uri does not match</h1>"
                    + "<p>Sent: <code id=\"sent\">" + Html.escape(redirectUri) + "</code></p>"
                    + "<p>Registered for this client (must match character for character):</p>" + registered));
            return;
        }
        String state = p.get("state");
        if (!"code".equals(p.get("response_type"))) {
            call.redirect(errorRedirect(redirectUri, "unsupported_response_type",
                    "The response type is not supported by the authorization server. Use response_type=code.", state));
            return;
        }
        String scope = p.get("scope");
        if (scope == null || scope.isBlank()) {
            call.redirect(errorRedirect(redirectUri, "invalid_scope", "The 'scope' parameter is required.", state));
            return;
        }
        List<String> scopes = scopes(scope);
        List<String> unknown = scopes.stream().filter(s -> !KNOWN_SCOPES.contains(s)).toList();
        if (!unknown.isEmpty()) {
            call.redirect(errorRedirect(redirectUri, "invalid_scope", "One or more scopes are not configured for "
                    + "the authorization server resource: " + String.join(" ", unknown)
                    + " (scopes are separated by spaces, written + or %20, never %2B)", state));
            return;
        }
        String challenge = p.get("code_challenge");
        String method = p.get("code_challenge_method");
        if (challenge != null || method != null) {
            if (!"S256".equals(method)) {
                call.redirect(errorRedirect(redirectUri, "invalid_request",
                        "PKCE code_challenge_method must be S256 (plain is not accepted).", state));
                return;
            }
            if (challenge == null || !CHALLENGE.matcher(challenge).matches()) {
                call.redirect(errorRedirect(redirectUri, "invalid_request",
                        "PKCE code_challenge must be BASE64URL(SHA-256(code_verifier)), 43 characters.", state));
                return;
            }
        }
        String decision = call.method().equals("POST") ? call.form().containsKey("decision")
                ? call.form().get("decision").get(0) : null : null;
        if (options.autoApprove() || "allow".equals(decision)) {
            String code = Secrets.issued(Secrets.random(32));
            synchronized (grants) {
                grants.codes.put(code, new Grants.Code(clientId, redirectUri, scopes, challenge,
                        clock.instant().plus(options.codeTtl())));
            }
            Map<String, String> back = new LinkedHashMap<>();
            back.put("code", code);
            back.put("state", state);
            call.redirect(withQuery(redirectUri, back));
            return;
        }
        if ("deny".equals(decision)) {
            call.redirect(errorRedirect(redirectUri, "access_denied",
                    "The resource owner or authorization server denied the request.", state));
            return;
        }
        call.html(200, consentPage(p, scopes));
    }

    private String consentPage(Map<String, String> params, List<String> scopes) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>Allow access to your Constant Contact account?</h1>");
        b.append("<p>The application <code>").append(Html.escape(params.get("client_id")))
                .append("</code> asks for:</p><ul id=\"scopes\">");
        scopes.forEach(s -> b.append("<li>").append(Html.escape(s)).append("</li>"));
        b.append("</ul>");
        if (!scopes.contains("offline_access")) {
            b.append("<p class=\"note\">No offline_access: the application will get no refresh token.</p>");
        }
        b.append("<form method=\"post\" action=\"").append(AUTHORIZE).append("\">");
        params.forEach((k, v) -> {
            if (!k.equals("decision")) {
                b.append(Html.hidden(k, v));
            }
        });
        b.append("<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>");
        b.append("<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>");
        b.append("</form>");
        return Html.page("Constant Contact sandbox: authorize", b.toString());
    }

    private static String errorRedirect(String redirectUri, String error, String description, String state) {
        Map<String, String> back = new LinkedHashMap<>();
        back.put("error", error);
        back.put("error_description", description);
        back.put("state", state);
        return withQuery(redirectUri, back);
    }

    private static String withQuery(String uri, Map<String, String> params) {
        StringBuilder b = new StringBuilder(uri);
        char sep = uri.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            b.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return b.toString();
    }

    static List<String> scopes(String scope) {
        return scope == null ? List.of() : Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty()).distinct().toList();
    }

    // ---- token endpoint ----

    private void token(HttpCall call) throws IOException {
        call.setHeader("Cache-Control", "no-store");
        call.setHeader("Pragma", "no-cache");
        String grantType = null;
        try {
            if (!call.method().equals("POST")) {
                throw new OAuthError(405, "invalid_request", "The token endpoint takes POST.");
            }
            grantType = call.param("grant_type");
            String[] basic = basic(call.header("Authorization"));
            String claimedClient = basic != null ? basic[0] : call.param("client_id");
            call.clientId(claimedClient);
            if (tokenLimits.admit(claimedClient) != RateLimits.Verdict.ADMITTED) {
                if ("refresh_token".equals(grantType)) {
                    synchronized (grants) {
                        grants.refreshThrottled++;
                    }
                }
                call.json(429, Json.oauthError("rate_limited", "Too Many Requests"));
                return;
            }
            if (grantType == null || grantType.isBlank()) {
                throw new OAuthError(400, "invalid_request", "The 'grant_type' parameter is required.");
            }
            ObjectNode answer = switch (grantType) {
                case "authorization_code" -> authorizationCode(call, basic);
                case "refresh_token" -> refresh(call, basic);
                case DEVICE_GRANT -> deviceToken(call, basic);
                default -> throw new OAuthError(400, "unsupported_grant_type",
                        "The authorization grant type is not supported by the authorization server: " + grantType);
            };
            call.json(200, answer);
        } catch (OAuthError e) {
            if ("refresh_token".equals(grantType)) {
                synchronized (grants) {
                    grants.refreshRejected++;
                }
            }
            if (e.status == 401) {
                call.setHeader("WWW-Authenticate", "Basic realm=\"" + baseUrl + "\"");
            }
            call.json(e.status, Json.oauthError(e.error, e.getMessage()));
        }
    }

    /** The client id and secret of a Basic header, or null when there is none. */
    private static String[] basic(String header) throws OAuthError {
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new OAuthError(401, "invalid_client", "Client authentication failed: the Authorization "
                    + "header must be Basic base64(client_id:client_secret).");
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("no colon");
            }
            return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            throw new OAuthError(401, "invalid_client",
                    "Client authentication failed: the Basic header is not base64(client_id:client_secret).");
        }
    }

    /** Who is calling: true for a public (PKCE or device) client that sent only its client_id. */
    private boolean authenticate(HttpCall call, String[] basic, boolean publicAllowed) throws IOException, OAuthError {
        if (basic != null) {
            if (!basic[0].equals(options.clientId()) || !basic[1].equals(options.clientSecret())) {
                String hint = basic[1].equals(options.clientId()) ? " (are the client id and secret swapped?)" : "";
                throw new OAuthError(401, "invalid_client", "Client authentication failed" + hint + ".");
            }
            return false;
        }
        String clientId = call.param("client_id");
        if (clientId != null && publicAllowed) {
            if (!clientId.equals(options.clientId())) {
                throw new OAuthError(401, "invalid_client", "Client authentication failed: unknown client_id.");
            }
            return true;
        }
        throw new OAuthError(401, "invalid_client", "Client authentication failed: send the header "
                + "Authorization: Basic base64(client_id:client_secret)"
                + (publicAllowed ? ", or client_id for a public client." : "."));
    }

    private ObjectNode authorizationCode(HttpCall call, String[] basic) throws IOException, OAuthError {
        String code = call.param("code");
        String redirectUri = call.param("redirect_uri");
        String verifier = call.param("code_verifier");
        if (code == null || redirectUri == null) {
            throw new OAuthError(400, "invalid_request", "The 'code' and 'redirect_uri' parameters are required.");
        }
        boolean publicClient = authenticate(call, basic, verifier != null);
        synchronized (grants) {
            Grants.Code grant = grants.codes.remove(code); // single use, whatever happens next
            if (grant == null || !grant.expiresAt().isAfter(clock.instant())) {
                throw new OAuthError(400, "invalid_grant", "The authorization code is invalid or has expired.");
            }
            if (!grant.clientId().equals(options.clientId())) {
                throw new OAuthError(400, "invalid_grant", "The authorization code was issued to another client.");
            }
            if (!grant.redirectUri().equals(redirectUri)) {
                throw new OAuthError(400, "invalid_grant", "The 'redirect_uri' does not match the redirection URI "
                        + "used in the authorization request.");
            }
            if (grant.challenge() != null || verifier != null) {
                if (grant.challenge() == null || verifier == null || !grant.challenge().equals(s256(verifier))) {
                    throw new OAuthError(400, "invalid_grant", "PKCE verification failed.");
                }
            } else if (publicClient) {
                throw new OAuthError(400, "invalid_grant", "PKCE verification failed.");
            }
            return issueTokens(grant.clientId(), grant.scopes(), publicClient, null, null);
        }
    }

    private ObjectNode refresh(HttpCall call, String[] basic) throws IOException, OAuthError {
        String value = call.param("refresh_token");
        if (value == null) {
            throw new OAuthError(400, "invalid_request", "The 'refresh_token' parameter is required.");
        }
        boolean publicClient = authenticate(call, basic, true);
        synchronized (grants) {
            Grants.RefreshToken token = grants.refreshTokens.get(value);
            Instant now = clock.instant();
            if (token == null || !token.record.status.equals("active")
                    || !token.chain.clientId.equals(options.clientId())
                    || token.chain.lastUsed.plus(options.refreshIdleTtl()).isBefore(now)) {
                throw new OAuthError(400, "invalid_grant", INVALID_REFRESH);
            }
            if (publicClient && !token.chain.publicClient) {
                throw new OAuthError(401, "invalid_client", "Client authentication failed: this refresh token "
                        + "belongs to a confidential client; send Authorization: Basic.");
            }
            token.chain.lastUsed = now;
            boolean rotating = options.refreshMode() == RefreshMode.ROTATING;
            if (rotating) {
                // The presented token is spent; anything older in the chain was already dead.
                for (Grants.RefreshToken older : token.chain.tokens) {
                    if (older != token && older.record.status.equals("used")) {
                        older.record.status = "superseded";
                    }
                }
                token.record.status = "used";
            }
            ObjectNode answer = issueTokens(token.chain.clientId, token.chain.scopes, token.chain.publicClient,
                    token.chain, rotating ? null : value);
            grants.refreshSucceeded++;
            return answer;
        }
    }

    /**
     * Mints an access token, and with offline_access a refresh token: the kept one (long-lived mode), or a new
     * one in the given chain (rotation) or in a new chain (a fresh grant). Callers hold the grants lock.
     */
    private ObjectNode issueTokens(String clientId, List<String> scopes, boolean publicClient, Grants.Chain chain,
            String keepRefresh) {
        TokenIssuer.Issued access = issuer.issue(clientId, subject, platformUserId, scopes, options.accessTtl());
        grants.records.add(new Grants.TokenRecord(access.jti(), "access", clientId, scopes, access.issuedAt(),
                access.expiresAt()));
        ObjectNode answer = Json.object();
        answer.put("token_type", "Bearer");
        answer.put("expires_in", options.accessTtl().toSeconds());
        answer.put("access_token", access.value());
        answer.put("scope", String.join(" ", scopes));
        if (scopes.contains("offline_access")) {
            if (keepRefresh != null) {
                answer.put("refresh_token", keepRefresh);
            } else {
                String value = Secrets.issued(Secrets.random(32));
                if (chain == null) {
                    chain = new Grants.Chain(clientId, scopes, publicClient, clock.instant());
                }
                Grants.TokenRecord record = new Grants.TokenRecord("RT." + Secrets.random(9), "refresh", clientId,
                        scopes, clock.instant(), null);
                grants.records.add(record);
                Grants.RefreshToken token = new Grants.RefreshToken(chain, record);
                grants.refreshTokens.put(value, token);
                chain.tokens.add(token);
                answer.put("refresh_token", value);
            }
        }
        return answer;
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- device flow (RFC 8628) ----

    private void deviceAuthorize(HttpCall call) throws IOException {
        if (!call.method().equals("POST")) {
            call.json(405, Json.oauthError("invalid_request", "The device authorization endpoint takes POST."));
            return;
        }
        String clientId = call.param("client_id");
        call.clientId(clientId);
        if (clientId == null || !clientId.equals(options.clientId())) {
            call.json(401, Json.oauthError("invalid_client", "Client authentication failed: unknown client_id."));
            return;
        }
        String scope = call.param("scope");
        if (scope == null || scope.isBlank()) {
            call.json(400, Json.oauthError("invalid_request", "The 'scope' parameter is required."));
            return;
        }
        List<String> scopes = scopes(scope);
        List<String> unknown = scopes.stream().filter(s -> !KNOWN_SCOPES.contains(s)).toList();
        if (!unknown.isEmpty()) {
            call.json(400, Json.oauthError("invalid_scope", "Unknown scopes: " + String.join(" ", unknown)));
            return;
        }
        Grants.Device device;
        synchronized (grants) {
            String userCode;
            do {
                userCode = Secrets.userCode();
            } while (grants.devicesByUserCode.containsKey(userCode));
            device = new Grants.Device(Secrets.issued(Secrets.random(32)), userCode, clientId, scopes,
                    clock.instant().plus(options.deviceCodeTtl()), options.deviceInterval().toSeconds());
            if (options.autoApprove()) {
                device.state = Grants.DeviceState.APPROVED;
            }
            grants.devicesByCode.put(device.deviceCode, device);
            grants.devicesByUserCode.put(device.userCode, device);
        }
        String verification = baseUrl + DEVICE_PAGE;
        ObjectNode answer = Json.object();
        answer.put("device_code", device.deviceCode);
        answer.put("user_code", device.userCode);
        answer.put("verification_uri", verification);
        answer.put("verification_uri_complete", verification + "?user_code=" + device.userCode);
        answer.put("expires_in", options.deviceCodeTtl().toSeconds());
        answer.put("interval", Math.max(1, device.intervalSeconds));
        call.json(200, answer);
    }

    private ObjectNode deviceToken(HttpCall call, String[] basic) throws IOException, OAuthError {
        String deviceCode = call.param("device_code");
        if (deviceCode == null) {
            throw new OAuthError(400, "invalid_request", "The 'device_code' parameter is required.");
        }
        boolean publicClient = authenticate(call, basic, true);
        synchronized (grants) {
            Grants.Device device = grants.devicesByCode.get(deviceCode);
            if (device == null || !device.clientId.equals(options.clientId())) {
                throw new OAuthError(400, "invalid_grant", "The device code is invalid or has expired.");
            }
            Instant now = clock.instant();
            if (!device.expiresAt.isAfter(now)) {
                throw new OAuthError(400, "expired_token", "The device code has expired.");
            }
            Instant last = device.lastPoll;
            device.lastPoll = now;
            if (last != null && now.isBefore(last.plus(Duration.ofSeconds(device.intervalSeconds)))) {
                throw new OAuthError(400, "slow_down", "Polling faster than every " + device.intervalSeconds + " s.");
            }
            switch (device.state) {
                case PENDING -> throw new OAuthError(400, "authorization_pending",
                        "The device authorization is pending. Please try again later.");
                case DENIED -> throw new OAuthError(400, "access_denied", "The resource owner denied the request.");
                default -> {
                    grants.devicesByCode.remove(deviceCode);
                    grants.devicesByUserCode.remove(device.userCode);
                    return issueTokens(device.clientId, device.scopes, publicClient, null, null);
                }
            }
        }
    }

    /** The verification page a person opens on another device: enter the code, then Allow or Deny. */
    private void devicePage(HttpCall call) throws IOException {
        Map<String, String> p = call.params();
        String userCode = p.get("user_code");
        userCode = userCode == null ? null : userCode.trim().toUpperCase(java.util.Locale.ROOT);
        String enter = "<form method=\"get\" action=\"" + DEVICE_PAGE + "\"><label>Code shown on your device: "
                + "<input id=\"user_code\" name=\"user_code\" autocomplete=\"off\"></label> "
                + "<button type=\"submit\" id=\"next\">Next</button></form>";
        if (userCode == null || userCode.isEmpty()) {
            call.html(200, Html.page("Activate a device", "<h1>Activate a device</h1>" + enter));
            return;
        }
        Grants.Device device;
        synchronized (grants) {
            device = grants.devicesByUserCode.get(userCode);
            if (device == null || !device.expiresAt.isAfter(clock.instant())) {
                call.html(400, Html.page("Unknown code", "<h1>That code is not valid</h1><p>It may have expired. "
                        + "Check the code on your device.</p>" + enter));
                return;
            }
            String decision = call.method().equals("POST") ? p.get("decision") : null;
            if ("allow".equals(decision) || "deny".equals(decision)) {
                if (device.state == Grants.DeviceState.PENDING) {
                    device.state = "allow".equals(decision) ? Grants.DeviceState.APPROVED : Grants.DeviceState.DENIED;
                }
                boolean approved = device.state == Grants.DeviceState.APPROVED;
                call.html(200, Html.page("Device " + (approved ? "approved" : "denied"), "<h1 id=\"result\">Device "
                        + (approved ? "approved" : "denied") + "</h1><p>You can close this window.</p>"));
                return;
            }
        }
        StringBuilder b = new StringBuilder("<h1>Allow this device?</h1><p>Code <code>")
                .append(Html.escape(userCode)).append("</code> for the application <code>")
                .append(Html.escape(device.clientId)).append("</code> asks for:</p><ul id=\"scopes\">");
        device.scopes.forEach(s -> b.append("<li>").append(Html.escape(s)).append("</li>"));
        b.append("</ul><form method=\"post\" action=\"").append(DEVICE_PAGE).append("\">")
                .append(Html.hidden("user_code", userCode))
                .append("<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>");
        call.html(200, Html.page("Allow this device?", b.toString()));
    }

    // ---- for the inspector and the Java API ----

    List<ObjectNode> tokenRecords() {
        synchronized (grants) {
            Instant now = clock.instant();
            List<ObjectNode> out = new ArrayList<>();
            for (Grants.TokenRecord r : grants.records) {
                out.add(r.toJson(now));
            }
            return out;
        }
    }

    /** Whether a refresh_token grant with this value would be accepted now (it is the live end of its chain). */
    boolean refreshTokenUsable(String value) {
        synchronized (grants) {
            Grants.RefreshToken token = value == null ? null : grants.refreshTokens.get(value);
            return token != null && token.record.status.equals("active")
                    && !token.chain.lastUsed.plus(options.refreshIdleTtl()).isBefore(clock.instant());
        }
    }

    RefreshTokenCalls refreshTokenCalls() {
        synchronized (grants) {
            return new RefreshTokenCalls(grants.refreshSucceeded, grants.refreshRejected, grants.refreshThrottled);
        }
    }

    void resetCounters() {
        synchronized (grants) {
            grants.refreshSucceeded = 0;
            grants.refreshRejected = 0;
            grants.refreshThrottled = 0;
        }
        tokenLimits.reset();
    }
}
