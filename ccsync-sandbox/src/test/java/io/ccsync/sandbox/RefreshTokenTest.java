package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.basic;
import static io.ccsync.sandbox.Http.json;
import static io.ccsync.sandbox.Http.params;
import static io.ccsync.sandbox.Http.postForm;
import static io.ccsync.sandbox.Http.refresh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The refresh_token grant in both of Constant Contact's modes. */
class RefreshTokenTest {
    static final JsonNode INVALID = Http.json(
            "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is invalid or expired.\"}");
    static Sandbox rotating;
    static Sandbox longLived;

    @BeforeAll
    static void start() {
        rotating = Sandbox.start(Http.relaxed().withRefreshMode(RefreshMode.ROTATING));
        longLived = Sandbox.start(Http.relaxed().withRefreshMode(RefreshMode.LONG_LIVED));
    }

    @AfterAll
    static void stop() {
        rotating.close();
        longLived.close();
    }

    private static String refreshToken(Sandbox sandbox) {
        return Http.json(SandboxLogin.login(sandbox)).get("refresh_token").asText();
    }

    @Test
    void rotatingRefreshReturnsANewRefreshTokenAndAccessTokenWithTheOriginalScope() {
        String first = refreshToken(rotating);

        HttpResponse<String> r = refresh(rotating, first);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("refresh_token").asText()).isNotEqualTo(first);
        assertThat(body.get("scope").asText()).isEqualTo("contact_data offline_access");
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.has("access_token")).isTrue();
    }

    @Test
    void rotatingUsedRefreshTokenGets400WithExactlyTheInvalidGrantBody() {
        String first = refreshToken(rotating);
        assertThat(refresh(rotating, first).statusCode()).isEqualTo(200);

        HttpResponse<String> again = refresh(rotating, first);

        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(json(again)).isEqualTo(INVALID);
        assertThat(again.body()).isEqualTo(INVALID.toString());
    }

    @Test
    void rotatingSupersededOlderRefreshTokenIsDeadToo() {
        String first = refreshToken(rotating);
        String second = json(refresh(rotating, first)).get("refresh_token").asText();
        String third = json(refresh(rotating, second)).get("refresh_token").asText();

        assertThat(json(refresh(rotating, first))).isEqualTo(INVALID);
        assertThat(json(refresh(rotating, second))).isEqualTo(INVALID);
        assertThat(refresh(rotating, third).statusCode()).isEqualTo(200);
    }

    @Test
    void refreshTokenUsableTellsTheLiveEndOfAChainWithoutSpendingIt() {
        String first = refreshToken(rotating);
        assertThat(rotating.refreshTokenUsable(first)).isTrue();
        assertThat(rotating.refreshTokenUsable(first)).as("asking does not spend it").isTrue();
        String second = json(refresh(rotating, first)).get("refresh_token").asText();

        assertThat(rotating.refreshTokenUsable(first)).isFalse();
        assertThat(rotating.refreshTokenUsable(second)).isTrue();
        assertThat(rotating.refreshTokenUsable("never-issued")).isFalse();
        assertThat(rotating.refreshTokenUsable(null)).isFalse();
        String kept = refreshToken(longLived);
        refresh(longLived, kept);
        assertThat(longLived.refreshTokenUsable(kept)).isTrue();
    }

    @Test
    void refreshCallsAreCountedForSingleFlightTests() {
        try (Sandbox counted = Sandbox.start(Http.relaxed())) {
            String first = refreshToken(counted);
            refresh(counted, first);
            refresh(counted, first);

            assertThat(counted.refreshTokenCalls()).isEqualTo(new RefreshTokenCalls(1, 1, 0));
        }
    }

    @Test
    void longLivedRefreshReturnsTheSameRefreshTokenEveryTime() {
        String token = refreshToken(longLived);

        JsonNode once = json(refresh(longLived, token));
        JsonNode twice = json(refresh(longLived, token));

        assertThat(once.get("refresh_token").asText()).isEqualTo(token);
        assertThat(twice.get("refresh_token").asText()).isEqualTo(token);
        assertThat(twice.get("access_token").asText()).isNotEmpty();
    }

    @Test
    void unknownRefreshTokenGetsTheSameInvalidGrantBody() {
        HttpResponse<String> r = refresh(rotating, "never-issued");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r)).isEqualTo(INVALID);
    }

    @Test
    void refreshWithAWrongSecretIsInvalidClient() {
        HttpResponse<String> r = postForm(rotating.tokenUrl(), params("grant_type", "refresh_token",
                "refresh_token", refreshToken(rotating)), "Authorization", basic(rotating.clientId(), "nope"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void aPkcePublicClientRefreshesWithItsClientIdAlone() {
        String verifier = "v".repeat(60);
        String code = Http.code(rotating, "code_challenge", AuthorizationServer.s256(verifier), "code_challenge_method", "S256");
        String refreshToken = json(postForm(rotating.tokenUrl(), params("grant_type", "authorization_code", "code", code,
                "redirect_uri", rotating.redirectUri(), "client_id", rotating.clientId(), "code_verifier", verifier)))
                .get("refresh_token").asText();

        HttpResponse<String> r = postForm(rotating.tokenUrl(), params("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", rotating.clientId()));

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void aConfidentialClientsRefreshTokenNeedsTheSecret() {
        HttpResponse<String> r = postForm(rotating.tokenUrl(), params("grant_type", "refresh_token",
                "refresh_token", refreshToken(rotating), "client_id", rotating.clientId()));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_client");
    }
}
