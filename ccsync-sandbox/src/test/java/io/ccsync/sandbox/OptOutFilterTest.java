package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccsync.sandbox.testing.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /v3/contacts?status=unsubscribed&optout_after=…: the filter the opt-out poll reads (facts, section 4), over
 * HTTP: the opt-out fields on email_address, optout_after / optout_before, limit 1 to 500, paging by the next link.
 */
class OptOutFilterTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private Sandbox sandbox;
    private String token;

    @BeforeEach
    void start() {
        sandbox = Sandbox.start(Http.relaxed().withClock(clock));
        token = Http.accessToken(sandbox);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private HttpResponse<String> get(String pathAndQuery) {
        return Http.api(sandbox, token, "GET", pathAndQuery, null);
    }

    private void create(String email) {
        HttpResponse<String> r = Http.api(sandbox, token, "POST", "/v3/contacts", "{\"email_address\":{\"address\":\""
                + email + "\",\"permission_to_send\":\"implicit\"},\"create_source\":\"Account\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static List<String> emails(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("contacts").forEach(c -> out.add(c.path("email_address").path("address").asText()));
        return out;
    }

    @Test
    void optOutAfterAndBeforeSelectByTheOptOutDateWithTheOptOutFields() {
        for (String e : List.of("a@example.com", "b@example.com", "c@example.com", "stays@example.com")) {
            create(e);
        }
        sandbox.unsubscribe("a@example.com", "too many emails");
        clock.advance(Duration.ofMinutes(10));
        sandbox.unsubscribe("b@example.com", null);
        clock.advance(Duration.ofMinutes(10));
        sandbox.unsubscribe("c@example.com", null);

        JsonNode all = json(get("/v3/contacts?status=unsubscribed&optout_after=2026-03-01T00:00:00Z"));
        assertThat(emails(all)).containsExactlyInAnyOrder("a@example.com", "b@example.com", "c@example.com");
        JsonNode a = all.path("contacts").findValues("email_address").stream()
                .filter(e -> e.path("address").asText().equals("a@example.com")).findFirst().orElseThrow();
        assertThat(a.path("permission_to_send").asText()).isEqualTo("unsubscribed");
        assertThat(a.path("opt_out_source").asText()).isEqualTo("Contact");
        assertThat(a.path("opt_out_date").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(a.path("opt_out_reason").asText()).isEqualTo("too many emails");

        // strictly after / before
        assertThat(emails(json(get("/v3/contacts?status=unsubscribed&optout_after=2026-03-01T10:00:00Z"))))
                .containsExactlyInAnyOrder("b@example.com", "c@example.com");
        assertThat(emails(json(get("/v3/contacts?status=unsubscribed&optout_after=2026-03-01T10:00:00Z"
                + "&optout_before=2026-03-01T10:20:00Z")))).containsExactly("b@example.com");
        assertThat(get("/v3/contacts?status=unsubscribed&optout_after=yesterday").statusCode()).isEqualTo(400);
        assertThat(get("/v3/contacts?status=unsubscribed&limit=501").statusCode()).isEqualTo(400);
    }

    @Test
    void moreThanAPageOfOptOutsIsReadByFollowingTheNextLink() {
        for (int n = 0; n < 7; n++) {
            create("p" + n + "@example.com");
            sandbox.unsubscribe("p" + n + "@example.com", null);
        }
        List<String> seen = new ArrayList<>();
        String next = "/v3/contacts?status=unsubscribed&optout_after=2026-03-01T00:00:00Z&limit=3";
        int pages = 0;
        while (next != null) {
            JsonNode page = json(get(next));
            seen.addAll(emails(page));
            pages++;
            JsonNode href = page.path("_links").path("next").path("href");
            next = href.isMissingNode() ? null : href.asText();
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates();
    }
}
