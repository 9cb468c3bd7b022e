package io.ccsync.sandbox;

import io.ccsync.sandbox.testing.MutableClock;
import static io.ccsync.sandbox.Http.get;
import static io.ccsync.sandbox.Http.json;
import static io.ccsync.sandbox.Http.params;
import static io.ccsync.sandbox.Http.postForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 8628 device flow: the device authorization, the verification page and the polling answers. */
class DeviceFlowTest {
    static final MutableClock CLOCK = MutableClock.startingNow();
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(Http.relaxed().withAutoApprove(false).withClock(CLOCK)
                .withDeviceInterval(Duration.ofSeconds(5)).withDeviceCodeTtl(Duration.ofMinutes(10)));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void resetClock() {
        CLOCK.set(Instant.now());
    }

    private static JsonNode deviceAuthorize(Sandbox s) {
        HttpResponse<String> r = postForm(s.deviceUrl(), params("client_id", s.clientId(),
                "scope", "contact_data offline_access"));
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r);
    }

    private static HttpResponse<String> poll(Sandbox s, String deviceCode) {
        return postForm(s.tokenUrl(), params("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", deviceCode, "client_id", s.clientId()));
    }

    private static String error(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(400);
        return json(r).get("error").asText();
    }

    @Test
    void deviceAuthorizationAnswersCodesVerificationUrisExpiryAndInterval() {
        JsonNode d = deviceAuthorize(sandbox);

        assertThat(d.get("device_code").asText()).isNotEmpty();
        assertThat(d.get("user_code").asText()).matches("[A-Z]{4}-[A-Z]{4}");
        assertThat(d.get("verification_uri").asText()).isEqualTo(sandbox.deviceVerificationUrl());
        assertThat(d.get("verification_uri_complete").asText()).isEqualTo(sandbox.deviceVerificationUrl()
                + "?user_code=" + d.get("user_code").asText());
        assertThat(d.get("expires_in").asLong()).isEqualTo(600);
        assertThat(d.get("interval").asLong()).isEqualTo(5);
    }

    @Test
    void pollingBeforeApprovalIsAuthorizationPending() {
        assertThat(error(poll(sandbox, deviceAuthorize(sandbox).get("device_code").asText()))).isEqualTo("authorization_pending");
    }

    @Test
    void pollingFasterThanTheIntervalIsSlowDown() {
        String code = deviceAuthorize(sandbox).get("device_code").asText();
        poll(sandbox, code);
        CLOCK.advance(Duration.ofSeconds(2));

        assertThat(error(poll(sandbox, code))).isEqualTo("slow_down");
    }

    @Test
    void approvingOnTheVerificationPageLetsTheNextPollGetTokensWithARefreshToken() {
        JsonNode d = deviceAuthorize(sandbox);
        String code = d.get("device_code").asText();
        poll(sandbox, code);

        HttpResponse<String> page = get(d.get("verification_uri_complete").asText());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"allow\"", "id=\"deny\"", d.get("user_code").asText());
        HttpResponse<String> approved = postForm(sandbox.deviceVerificationUrl(),
                params("user_code", d.get("user_code").asText(), "decision", "allow"));
        assertThat(approved.body()).contains("Device approved");
        CLOCK.advance(Duration.ofSeconds(5));

        HttpResponse<String> tokens = poll(sandbox, code);
        assertThat(tokens.statusCode()).isEqualTo(200);
        assertThat(json(tokens).has("access_token")).isTrue();
        assertThat(json(tokens).has("refresh_token")).isTrue();
    }

    @Test
    void theVerificationPageAsksForTheCodeWhenNoneIsGiven() {
        HttpResponse<String> page = get(sandbox.deviceVerificationUrl());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"user_code\"");
    }

    @Test
    void denyingIsAccessDenied() {
        JsonNode d = deviceAuthorize(sandbox);
        postForm(sandbox.deviceVerificationUrl(), params("user_code", d.get("user_code").asText(), "decision", "deny"));

        assertThat(error(poll(sandbox, d.get("device_code").asText()))).isEqualTo("access_denied");
    }

    @Test
    void aDeviceCodePastItsLifetimeIsExpiredToken() {
        String code = deviceAuthorize(sandbox).get("device_code").asText();
        CLOCK.advance(Duration.ofMinutes(10).plusSeconds(1));

        assertThat(error(poll(sandbox, code))).isEqualTo("expired_token");
    }

    @Test
    void autoApproveApprovesDeviceCodesAtOnce() {
        try (Sandbox auto = Sandbox.start(Http.relaxed())) {
            HttpResponse<String> r = poll(auto, deviceAuthorize(auto).get("device_code").asText());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).has("refresh_token")).isTrue();
        }
    }

    @Test
    void unknownClientAtDeviceAuthorizationIsInvalidClient() {
        HttpResponse<String> r = postForm(sandbox.deviceUrl(), params("client_id", "nobody", "scope", "contact_data"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_client");
    }
}
