package io.ccsync.sandbox;

import io.ccsync.sandbox.testing.MutableClock;
import static io.ccsync.sandbox.Http.basic;
import static io.ccsync.sandbox.Http.code;
import static io.ccsync.sandbox.Http.exchange;
import static io.ccsync.sandbox.Http.json;
import static io.ccsync.sandbox.Http.params;
import static io.ccsync.sandbox.Http.postForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token endpoint's authorization_code grant, client authentication, errors and its 1/s limit. */
class TokenEndpointTest {
    static final MutableClock CLOCK = MutableClock.startingNow();
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(Http.relaxed().withClock(CLOCK));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void resetClock() {
        CLOCK.set(java.time.Instant.now());
    }

    @Test
    void codeExchangeAnswersBearerTokenWithScopeAndRefreshToken() {
        HttpResponse<String> r = exchange(sandbox, code(sandbox));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        JsonNode body = json(r);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(86_400);
        assertThat(body.get("scope").asText()).isEqualTo("contact_data offline_access");
        assertThat(body.get("access_token").asText()).contains(".");
        assertThat(body.hasNonNull("refresh_token")).isTrue();
    }

    @Test
    void codeWorksOnlyOnce() {
        String code = code(sandbox);
        assertThat(exchange(sandbox, code).statusCode()).isEqualTo(200);

        HttpResponse<String> second = exchange(sandbox, code);

        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(json(second).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void codeStillWorksJustBeforeFiveMinutes() {
        String code = code(sandbox);
        CLOCK.advance(Duration.ofMinutes(5).minusSeconds(1));

        assertThat(exchange(sandbox, code).statusCode()).isEqualTo(200);
    }

    @Test
    void codeExpiresAfterFiveMinutes() {
        String code = code(sandbox);
        CLOCK.advance(Duration.ofMinutes(5).plusSeconds(1));

        HttpResponse<String> r = exchange(sandbox, code);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void redirectUriAtTokenMustEqualTheOneUsedAtAuthorize() {
        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code",
                "code", code(sandbox), "redirect_uri", sandbox.redirectUri() + "x"),
                "Authorization", basic(sandbox.clientId(), sandbox.clientSecret()));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(json(r).get("error_description").asText()).contains("redirect_uri");
    }

    @Test
    void parametersInTheQueryStringAreAcceptedAsConstantContactDocumentsThem() {
        String url = sandbox.tokenUrl() + "?" + Http.form(params("grant_type", "authorization_code",
                "code", code(sandbox), "redirect_uri", sandbox.redirectUri()));
        HttpResponse<String> r = Http.send(Http.request(url, "Authorization", basic(sandbox.clientId(), sandbox.clientSecret()),
                "Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).has("access_token")).isTrue();
    }

    @Test
    void pkceWithTheRightVerifierAndNoSecretSucceeds() {
        String verifier = "verifier-" + "x".repeat(50);
        String code = code(sandbox, "code_challenge", AuthorizationServer.s256(verifier), "code_challenge_method", "S256");

        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code", "code", code,
                "redirect_uri", sandbox.redirectUri(), "client_id", sandbox.clientId(), "code_verifier", verifier));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).has("refresh_token")).isTrue();
    }

    @Test
    void pkceWithAWrongVerifierIsInvalidGrant() {
        String verifier = "verifier-" + "x".repeat(50);
        String code = code(sandbox, "code_challenge", AuthorizationServer.s256(verifier), "code_challenge_method", "S256");

        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code", "code", code,
                "redirect_uri", sandbox.redirectUri(), "client_id", sandbox.clientId(), "code_verifier", verifier + "y"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void wrongSecretIsInvalidClientWith401() {
        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code",
                "code", code(sandbox), "redirect_uri", sandbox.redirectUri()),
                "Authorization", basic(sandbox.clientId(), "wrong"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_client");
        assertThat(json(r).has("error_description")).isTrue();
    }

    @Test
    void swappedIdAndSecretIsInvalidClient() {
        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code",
                "code", code(sandbox), "redirect_uri", sandbox.redirectUri()),
                "Authorization", basic(sandbox.clientSecret(), sandbox.clientId()));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void missingClientCredentialsIsInvalidClient() {
        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code",
                "code", code(sandbox), "redirect_uri", sandbox.redirectUri()));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void unknownGrantTypeIsUnsupportedGrantType() {
        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "client_credentials"),
                "Authorization", basic(sandbox.clientId(), sandbox.clientSecret()));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void missingParametersAreInvalidRequest() {
        HttpResponse<String> r = postForm(sandbox.tokenUrl(), params("grant_type", "authorization_code"),
                "Authorization", basic(sandbox.clientId(), sandbox.clientSecret()));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void withoutOfflineAccessNoRefreshTokenIsIssuedAndNothingWarns() {
        HttpResponse<String> r = exchange(sandbox, code(sandbox, "scope", "contact_data"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).has("refresh_token")).isFalse();
        assertThat(json(r).get("scope").asText()).isEqualTo("contact_data");
    }

    @Test
    void theAuthorizationCodeIsNotABearerToken() {
        HttpResponse<String> r = Http.api(sandbox, code(sandbox), "GET", "/v3/contacts", null);

        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void moreThanOneTokenRequestPerSecondGets429WithAnOAuthShapedBody() {
        try (Sandbox strict = Sandbox.start(Http.relaxed().withTokenRateLimit(1))) {
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                burst.add(Http.client().sendAsync(Http.request(strict.tokenUrl(),
                        "Authorization", basic(strict.clientId(), strict.clientSecret()),
                        "Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=nope")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();

            List<HttpResponse<String>> limited = answers.stream().filter(a -> a.statusCode() == 429).toList();
            assertThat(limited).isNotEmpty();
            assertThat(json(limited.get(0))).isEqualTo(Http.json("{\"error\":\"rate_limited\",\"error_description\":\"Too Many Requests\"}"));
            assertThat(strict.refreshTokenCalls().throttled()).isEqualTo(limited.size());
        }
    }
}
