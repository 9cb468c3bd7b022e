package io.ccsync.sandbox;

import io.ccsync.sandbox.testing.MutableClock;
import static io.ccsync.sandbox.Http.api;
import static io.ccsync.sandbox.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Access tokens as JWTs, and how /v3 treats missing, bad, expired and under-scoped ones. */
class AccessTokenTest {
    static final String UNAUTHORIZED = "{\"error_key\":\"unauthorized\",\"error_message\":\"Unauthorized\"}";
    static final MutableClock CLOCK = MutableClock.startingNow();
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(Http.relaxed().withClock(CLOCK).withAccessTtl(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void accessTokenIsAnRs256JwtSignedByTheKeyInTheJwksWithConstantContactsClaims() throws Exception {
        CLOCK.set(Instant.now());
        SignedJWT jwt = SignedJWT.parse(Http.accessToken(sandbox));
        JWKSet keys = JWKSet.parse(get(sandbox.keysUrl()).body());

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        RSAKey key = (RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(sandbox.issuer()).endsWith("/oauth2/aus1lm3ry9mF7x2Ja0h8");
        assertThat(claims.getAudience()).containsExactly("https://api.cc.email/v3");
        assertThat(claims.getStringClaim("cid")).isEqualTo(sandbox.clientId());
        assertThat(claims.getStringListClaim("scp")).containsExactly("contact_data", "offline_access");
        assertThat(claims.getSubject()).isNotBlank();
        assertThat(claims.getStringClaim("platform_user_id")).isNotBlank();
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(5_000);
    }

    @Test
    void missingTokenIs401WithTheExactBodyAndHeader() {
        HttpResponse<String> r = Http.send(Http.request(sandbox.apiUrl() + "/contacts").GET().build());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(UNAUTHORIZED);
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=api.cc.email");
    }

    @Test
    void badTokenIs401WithTheExactBodyAndHeader() {
        HttpResponse<String> r = api(sandbox, "not.a.jwt", "GET", "/v3/contacts", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(UNAUTHORIZED);
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=api.cc.email");
    }

    @Test
    void tokenFromAnotherSandboxIs401() {
        try (Sandbox other = Sandbox.start(Http.relaxed())) {
            HttpResponse<String> r = api(sandbox, Http.accessToken(other), "GET", "/v3/contacts", null);

            assertThat(r.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void expiredTokenIs401WithTheExactBodyAndHeader() {
        CLOCK.set(Instant.now());
        String token = Http.accessToken(sandbox);
        assertThat(api(sandbox, token, "GET", "/v3/contacts", null).statusCode()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(6));

        HttpResponse<String> r = api(sandbox, token, "GET", "/v3/contacts", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(UNAUTHORIZED);
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=api.cc.email");
    }

    @Test
    void tokenWithoutContactDataIs403() {
        CLOCK.set(Instant.now());
        String token = Http.accessToken(sandbox, "account_read offline_access");

        HttpResponse<String> r = api(sandbox, token, "GET", "/v3/contacts", null);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Http.json(r).isArray()).isTrue();
    }

    @Test
    void jsonBodySentAsTextPlainIs415() {
        CLOCK.set(Instant.now());
        HttpResponse<String> r = Http.send(Http.request(sandbox.apiUrl() + "/contacts",
                "Authorization", "Bearer " + Http.accessToken(sandbox), "Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email_address\":{\"address\":\"a@b.co\"},\"create_source\":\"Account\"}"))
                .build());

        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(Http.json(r).get(0).has("error_key")).isTrue();
    }
}
