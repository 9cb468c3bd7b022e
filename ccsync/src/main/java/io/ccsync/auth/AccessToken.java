package io.ccsync.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An access token with the claims ccsync decides on, parsed once when the token arrives (never per call).
 * The value is a secret: {@link #toString()} leaves it out.
 */
public final class AccessToken {
    private final String value;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String subject;
    private final String clientId;
    private final List<String> scopes;

    private AccessToken(String value, Instant issuedAt, Instant expiresAt, String subject, String clientId,
            List<String> scopes) {
        this.value = value;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.subject = subject;
        this.clientId = clientId;
        this.scopes = List.copyOf(scopes);
    }

    /**
     * Reads the JWT's claims without checking its signature: ccsync is the client, not the resource server; it reads
     * {@code exp} to know when to refresh, as Constant Contact's docs tell clients to.
     *
     * @throws NotAJwtException when the value is not a JWT (typically an authorization code pasted as a token)
     */
    public static AccessToken parse(String value) {
        Objects.requireNonNull(value, "access token");
        JWTClaimsSet claims;
        try {
            com.nimbusds.jwt.JWT jwt = JWTParser.parse(value);
            if (jwt instanceof com.nimbusds.jwt.EncryptedJWT) {
                // Its claims cannot be read without the server's key (Nimbus gives null claims, not an error).
                throw new NotAJwtException(ENCRYPTED);
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new NotAJwtException();
        }
        if (claims == null || claims.getExpirationTime() == null) {
            throw new NotAJwtException();
        }
        Instant exp = claims.getExpirationTime().toInstant();
        Instant iat = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
        return new AccessToken(value, iat, exp, claims.getSubject(), stringClaim(claims, "cid"), scopes(claims));
    }

    static final String ENCRYPTED = "the access token is encrypted (a JWE, five base64 parts), so ccsync cannot read "
            + "its expiry. Constant Contact issues signed JWTs (three parts): ccsync.oauth.token-url points at another "
            + "server, or the application is configured to encrypt its tokens; use Constant Contact's token endpoint.";

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v == null ? null : v.toString();
    }

    private static List<String> scopes(JWTClaimsSet claims) {
        Object scp = claims.getClaim("scp");
        if (scp instanceof List<?> list) {
            return list.stream().map(Object::toString).toList();
        }
        if (scp instanceof String s) {
            return List.of(s.trim().split("\\s+"));
        }
        return List.of();
    }

    public String value() {
        return value;
    }

    /** {@code iat}, or null when the token has none. */
    public Instant issuedAt() {
        return issuedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public String subject() {
        return subject;
    }

    /** The {@code cid} claim: the client (API key) the token was issued to. */
    public String clientId() {
        return clientId;
    }

    /** The {@code scp} claim. */
    public List<String> scopes() {
        return scopes;
    }

    /** The token's whole lifetime, {@code exp - iat}; null when {@code iat} is missing. */
    public Duration lifetime() {
        return issuedAt == null ? null : Duration.between(issuedAt, expiresAt);
    }

    public Duration remaining(Instant now) {
        return Duration.between(now, expiresAt);
    }

    @Override
    public String toString() {
        return "AccessToken[sub=" + subject + ", cid=" + clientId + ", scopes=" + scopes + ", exp=" + expiresAt + "]";
    }

    /** The value handed to ccsync as an access token is not a JWT. */
    public static final class NotAJwtException extends IllegalArgumentException {
        public NotAJwtException(String message) {
            super(message);
        }

        public NotAJwtException() {
            super("the access token is not a JWT. Constant Contact access tokens are JWTs (three base64 parts "
                    + "separated by dots); a short value is usually the authorization code, which must be exchanged "
                    + "at the token endpoint first. Run `ccsync authorize` to obtain real tokens.");
        }
    }
}
