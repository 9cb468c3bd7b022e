package io.ccsync.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Real RS256 JWTs for unit tests that need tokens without a server. */
final class TestJwts {
    static final String CLIENT_ID = "0f8d2f7a-1f0e-4d4f-9d4e-2a7c5b9e1c11";
    private static final RSAKey KEY = generate();

    private TestJwts() {
    }

    static String jwt(Instant issuedAt, Duration lifetime) {
        return jwt(issuedAt, lifetime, CLIENT_ID, List.of("contact_data", "offline_access"));
    }

    static String jwt(Instant issuedAt, Duration lifetime, String clientId, List<String> scopes) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("https://identity.example/oauth2/test")
                .audience("https://api.cc.email/v3")
                .subject("user@example.com")
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("cid", clientId)
                .claim("scp", scopes)
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(KEY));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The OAuth settings of {@link #CLIENT_ID}, with a secret; the URLs lead nowhere. */
    static OAuthSettings settings() {
        return OAuthSettings.from(java.util.Map.of(
                "ccsync.oauth.client-id", CLIENT_ID,
                "ccsync.oauth.client-secret", "test-secret",
                "ccsync.oauth.authorize-url", "http://127.0.0.1:1/authorize",
                "ccsync.oauth.token-url", "http://127.0.0.1:1/token",
                "ccsync.oauth.device-url", "http://127.0.0.1:1/device",
                "ccsync.oauth.redirect-uri", "http://localhost:8765/callback",
                "ccsync.oauth.scopes", "contact_data offline_access")::get);
    }

    /** A stored state holding a fresh pair, as after `ccsync authorize`. */
    static TokenState authorizedState(Instant issuedAt, Duration lifetime, String refreshToken) {
        return new TokenState(1, jwt(issuedAt, lifetime), refreshToken, "contact_data offline_access", issuedAt,
                TokenState.RefreshMode.UNKNOWN, null, null, null, null);
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
