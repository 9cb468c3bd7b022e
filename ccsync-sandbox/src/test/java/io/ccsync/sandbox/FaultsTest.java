package io.ccsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failures on demand: 500/503, dropped connections, lost answers, latency; reproducible with a seed. */
class FaultsTest {

    private static List<Integer> statuses(Sandbox sandbox, String token, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Http.api(sandbox, token, "GET", "/v3/contacts", null).statusCode());
        }
        return out;
    }

    @Test
    void failRateOneAnswersEveryApiRequestWith500Or503() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withSeed(42))) {
            String token = Http.accessToken(sandbox);
            sandbox.setFailRate(1.0);

            List<Integer> answers = statuses(sandbox, token, 20);

            assertThat(answers).allMatch(s -> s == 500 || s == 503);
            assertThat(answers).contains(500, 503);
        }
    }

    @Test
    void failRateAppliesToTheTokenEndpointWithAnOAuthShapedBody() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withFailRate(1.0).withSeed(1))) {
            HttpResponse<String> r = Http.refresh(sandbox, "anything");

            assertThat(r.statusCode()).isIn(500, 503);
            assertThat(Http.json(r).has("error")).isTrue();
        }
    }

    @Test
    void theSameSeedGivesTheSameFaults() {
        SandboxOptions options = Http.relaxed().withFailRate(0.5).withSeed(7);
        List<Integer> first;
        List<Integer> second;
        try (Sandbox a = Sandbox.start(options)) {
            a.setFailRate(0.0);
            String token = Http.accessToken(a);
            a.setFailRate(0.5);
            first = statuses(a, token, 20);
        }
        try (Sandbox b = Sandbox.start(options)) {
            b.setFailRate(0.0);
            String token = Http.accessToken(b);
            b.setFailRate(0.5);
            second = statuses(b, token, 20);
        }

        assertThat(first).isEqualTo(second).contains(200).containsAnyOf(500, 503);
    }

    @Test
    void dropRateOneClosesTheConnectionWithNoResponseAndCanBeTurnedOff() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed())) {
            String token = Http.accessToken(sandbox);
            sandbox.setDropRate(1.0);

            assertThatThrownBy(() -> Http.api(sandbox, token, "GET", "/v3/contacts", null))
                    .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class);
            sandbox.setDropRate(0.0);
            assertThat(Http.api(sandbox, token, "GET", "/v3/contacts", null).statusCode()).isEqualTo(200);
            assertThat(sandbox.requests()).anyMatch(r -> r.status() == 0);
        }
    }

    @Test
    void aLostAnswerLeavesTheClientWithNoAnswerYetTheContactIsCreated() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed())) {
            String token = Http.accessToken(sandbox);
            sandbox.setLostAnswerRate(1.0);

            assertThatThrownBy(() -> Http.api(sandbox, token, "POST", "/v3/contacts",
                    "{\"email_address\":{\"address\":\"lost@example.com\"},\"create_source\":\"Account\"}"))
                    .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class);

            assertThat(sandbox.contact("lost@example.com").path("email_address").path("address").asText())
                    .isEqualTo("lost@example.com");
            LoggedRequest post = sandbox.requests().get(sandbox.requests().size() - 1);
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.path()).isEqualTo("/v3/contacts");
            assertThat(post.status()).as("the real status, not 0 as for a drop").isEqualTo(201);
            assertThat(post.answerLost()).isTrue();

            sandbox.setLostAnswerRate(0.0);
            HttpResponse<String> again = Http.api(sandbox, token, "POST", "/v3/contacts",
                    "{\"email_address\":{\"address\":\"lost@example.com\"},\"create_source\":\"Account\"}");
            assertThat(again.statusCode()).as("the first POST did create it").isEqualTo(409);
            assertThat(sandbox.requests().get(sandbox.requests().size() - 1).answerLost()).isFalse();
            assertThat(sandbox.contactCount()).isEqualTo(1);
        }
    }

    @Test
    void lostAnswersTakeNoDrawsOfTheirOwnSoAnUnchangedRunDrawsAsBefore() {
        // The lost-answer range comes after drop and fail in the one draw per request: with it at 0 the other
        // faults fall exactly where they did, and with it on, requests that drew neither may lose their answer.
        Faults without = new Faults(0.3, 0.1, 0.0, Duration.ZERO, 11L);
        Faults with = new Faults(0.3, 0.1, 0.2, Duration.ZERO, 11L);
        for (int i = 0; i < 200; i++) {
            Faults.Fault a = without.draw();
            Faults.Fault b = with.draw();
            if (a == Faults.Fault.NONE) {
                assertThat(b).isIn(Faults.Fault.NONE, Faults.Fault.LOST_ANSWER);
            } else {
                assertThat(b).isEqualTo(a);
            }
        }
    }

    @Test
    void latencyDelaysEachApiAnswer() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withLatency(Duration.ofMillis(300)))) {
            String token = Http.accessToken(sandbox);
            long start = System.nanoTime();

            Http.api(sandbox, token, "GET", "/v3/contacts", null);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void theAuthorizePageAndInspectorAreNeverFaulted() {
        try (Sandbox sandbox = Sandbox.start(Http.relaxed().withDropRate(1.0))) {
            assertThat(Http.get(Http.authorizeUrl(sandbox)).statusCode()).isEqualTo(302);
            assertThat(Http.get(sandbox.inspectorUrl()).statusCode()).isEqualTo(200);
        }
    }
}
