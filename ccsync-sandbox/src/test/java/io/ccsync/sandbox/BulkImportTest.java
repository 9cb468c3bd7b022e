package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /v3/activities/contacts_json_import and the activity it starts. */
class BulkImportTest {
    @RegisterExtension
    static final ApiSession SESSION = new ApiSession();
    static Sandbox sandbox;
    static String token;
    String list;

    @BeforeAll
    static void session() {
        sandbox = SESSION.sandbox();
        token = SESSION.token();
    }

    @BeforeEach
    void firstList() {
        list = json(call(sandbox, token, "GET", "/v3/contact_lists", null)).get("lists").get(0).get("list_id").asText();
    }

    static HttpResponse<String> call(Sandbox s, String t, String method, String path, String body) {
        return Http.api(s, t, method, path, body);
    }

    String importBody(String... records) {
        return "{\"import_data\":[" + String.join(",", records) + "],\"list_ids\":[\"" + list + "\"]}";
    }

    static JsonNode awaitCompleted(Sandbox s, String t, String activityId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                json(call(s, t, "GET", "/v3/activities/" + activityId, null)).get("state").asText().equals("completed"));
        return json(call(s, t, "GET", "/v3/activities/" + activityId, null));
    }

    @Test
    void importIsAcceptedWith201InitializedAndASelfLink() {
        HttpResponse<String> r = call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                importBody("{\"email\":\"a@example.com\"}"));

        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode body = json(r);
        assertThat(body.get("state").asText()).isEqualTo("initialized");
        assertThat(body.get("_links").get("self").get("href").asText())
                .isEqualTo("/v3/activities/" + body.get("activity_id").asText());
    }

    @Test
    void activityMovesThroughProcessingToCompletedWithCountersAndLineErrors() {
        try (Sandbox slow = Sandbox.start(Http.relaxed().withImportBatchSize(1).withImportStepDelay(Duration.ofMillis(500)))) {
            String t = Http.accessToken(slow);
            String l = json(call(slow, t, "GET", "/v3/contact_lists", null)).get("lists").get(0).get("list_id").asText();
            String id = json(call(slow, t, "POST", "/v3/activities/contacts_json_import", "{\"import_data\":["
                    + "{\"email\":\"one@example.com\",\"first_name\":\"One\"},{\"email\":\"two@example.com\"},"
                    + "{\"email\":\"not an email\"},{\"email\":\"four@example.com\"}],\"list_ids\":[\"" + l + "\"]}"))
                    .get("activity_id").asText();
            Set<String> states = new HashSet<>();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode a = json(call(slow, t, "GET", "/v3/activities/" + id, null));
                states.add(a.get("state").asText());
                return a.get("state").asText().equals("completed");
            });

            assertThat(states).contains("processing", "completed");
            JsonNode done = json(call(slow, t, "GET", "/v3/activities/" + id, null));
            assertThat(done.get("percent_done").asInt()).isEqualTo(100);
            JsonNode status = done.get("status");
            assertThat(status.get("items_total_count").asInt()).isEqualTo(4);
            assertThat(status.get("items_completed_count").asInt()).isEqualTo(4);
            assertThat(status.get("person_count").asInt()).isEqualTo(3);
            assertThat(status.get("error_count").asInt()).isEqualTo(1);
            assertThat(status.get("list_count").asInt()).isEqualTo(1);
            assertThat(status.has("correctable_count")).isTrue();
            assertThat(status.has("cannot_add_to_list_count")).isTrue();
            assertThat(done.get("activity_errors").get(0).asText()).contains("Line 3", "invalid email");
        }
    }

    @Test
    void newContactsGetImplicitPermissionAndTheLists() {
        awaitCompleted(sandbox, token, json(call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                importBody("{\"email\":\"fresh@example.com\",\"first_name\":\"Fresh\",\"zip\":\"12345\"}"))).get("activity_id").asText());

        JsonNode c = contact("fresh@example.com");
        assertThat(c.get("email_address").get("permission_to_send").asText()).isEqualTo("implicit");
        assertThat(c.get("first_name").asText()).isEqualTo("Fresh");
        assertThat(Http.texts(c.get("list_memberships"))).containsExactly(list);
        assertThat(c.get("street_addresses").get(0).get("postal_code").asText()).isEqualTo("12345");
    }

    @Test
    void existingContactsGetOnlyTheFieldsSentAndUnsubscribedStayUnsubscribed() {
        call(sandbox, token, "POST", "/v3/contacts", "{\"email_address\":{\"address\":\"kept@example.com\","
                + "\"permission_to_send\":\"unsubscribed\"},\"create_source\":\"Account\",\"first_name\":\"Kept\","
                + "\"last_name\":\"Name\"}");

        awaitCompleted(sandbox, token, json(call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                importBody("{\"email\":\"KEPT@example.com\",\"last_name\":\"Changed\"}"))).get("activity_id").asText());

        JsonNode c = contact("kept@example.com");
        assertThat(c.get("first_name").asText()).isEqualTo("Kept");
        assertThat(c.get("last_name").asText()).isEqualTo("Changed");
        assertThat(c.get("email_address").get("permission_to_send").asText()).isEqualTo("unsubscribed");
        assertThat(sandbox.contacts()).hasSize(1);
    }

    @Test
    void customFieldColumnsFillFieldsByNameAndUnknownOnesAreLineErrors() {
        String field = json(call(sandbox, token, "POST", "/v3/contact_custom_fields", "{\"label\":\"Tier\"}"))
                .get("custom_field_id").asText();

        JsonNode done = awaitCompleted(sandbox, token, json(call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                importBody("{\"email\":\"cf1@example.com\",\"cf:tier\":\"gold\"}",
                        "{\"email\":\"cf2@example.com\",\"cf:nope\":\"x\"}"))).get("activity_id").asText());

        assertThat(contact("cf1@example.com").get("custom_fields").get(0).get("custom_field_id").asText()).isEqualTo(field);
        assertThat(contact("cf1@example.com").get("custom_fields").get(0).get("value").asText()).isEqualTo("gold");
        assertThat(done.get("status").get("error_count").asInt()).isEqualTo(1);
        assertThat(done.get("status").get("correctable_count").asInt()).isEqualTo(1);
        assertThat(done.get("activity_errors").get(0).asText()).contains("Line 2", "cf:nope");
    }

    @Test
    void moreThan40000RecordsIs400() {
        List<String> records = new ArrayList<>();
        for (int i = 0; i <= 40_000; i++) {
            records.add("{\"email\":\"u" + i + "@x.io\"}");
        }

        HttpResponse<String> r = call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                importBody(records.toArray(String[]::new)));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get(0).get("error_message").asText()).contains("40000");
    }

    @Test
    void aBodyOver4MbIsCutSilentlyAndOnlyTheInspectorShowsIt() {
        String padding = "p".repeat(900);
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            records.add("{\"email\":\"big" + i + "@example.com\",\"note\":\"" + padding + "\"}");
        }
        String prefix = "{\"import_data\":[";
        long end = prefix.length();
        int fit = 0;
        for (String rec : records) {
            end += rec.length();
            if (end > 4_000_000) {
                break;
            }
            fit++;
            end += 1; // the comma
        }
        String body = importBody(records.toArray(String[]::new));
        assertThat(body.length()).isGreaterThan(4_000_000);

        HttpResponse<String> r = call(sandbox, token, "POST", "/v3/activities/contacts_json_import", body);
        assertThat(r.statusCode()).isEqualTo(201);
        String id = json(r).get("activity_id").asText();
        JsonNode done = awaitCompleted(sandbox, token, id);

        assertThat(done.get("status").get("items_total_count").asInt()).isEqualTo(fit);
        assertThat(done.get("status").get("error_count").asInt()).isZero();
        assertThat(done.get("activity_errors")).isEmpty();
        assertThat(done.has("sandbox")).isFalse();
        assertThat(sandbox.contacts()).hasSize(fit);
        JsonNode inspected = json(Http.get(sandbox.baseUrl() + "/sandbox/api/activities")).get("activities").get(0);
        assertThat(inspected.get("sandbox").get("records_received").asInt()).isEqualTo(5_000);
        assertThat(inspected.get("sandbox").get("records_kept").asInt()).isEqualTo(fit);
        assertThat(inspected.get("sandbox").get("records_dropped_over_4mb").asInt()).isEqualTo(5_000 - fit);
    }

    @Test
    void listIdsAreRequiredAndMustExist() {
        HttpResponse<String> none = call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                "{\"import_data\":[{\"email\":\"a@example.com\"}]}");
        HttpResponse<String> unknown = call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                "{\"import_data\":[{\"email\":\"a@example.com\"}],\"list_ids\":[\"nope\"]}");

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(none).get(0).get("error_message").asText()).contains("list_ids");
    }

    @Test
    void recentActivitiesAreListedNewestFirst() {
        String first = json(call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                importBody("{\"email\":\"r1@example.com\"}"))).get("activity_id").asText();
        String second = json(call(sandbox, token, "POST", "/v3/activities/contacts_json_import",
                importBody("{\"email\":\"r2@example.com\"}"))).get("activity_id").asText();

        JsonNode activities = json(call(sandbox, token, "GET", "/v3/activities", null)).get("activities");

        assertThat(activities.get(0).get("activity_id").asText()).isEqualTo(second);
        assertThat(activities.get(1).get("activity_id").asText()).isEqualTo(first);
    }

    @Test
    void tooManyQueuedActivitiesIs429() {
        try (Sandbox busy = Sandbox.start(Http.relaxed().withImportQueueLimit(1).withImportStepDelay(Duration.ofSeconds(30)))) {
            String t = Http.accessToken(busy);
            String l = json(call(busy, t, "GET", "/v3/contact_lists", null)).get("lists").get(0).get("list_id").asText();
            String body = "{\"import_data\":[{\"email\":\"q@example.com\"}],\"list_ids\":[\"" + l + "\"]}";
            assertThat(call(busy, t, "POST", "/v3/activities/contacts_json_import", body).statusCode()).isEqualTo(201);

            HttpResponse<String> second = call(busy, t, "POST", "/v3/activities/contacts_json_import", body);

            assertThat(second.statusCode()).isEqualTo(429);
        }
    }

    @Test
    void unknownActivityIs404() {
        assertThat(call(sandbox, token, "GET", "/v3/activities/nope", null).statusCode()).isEqualTo(404);
    }

    private JsonNode contact(String email) {
        return json(call(sandbox, token, "GET", "/v3/contacts?email=" + email
                + "&include=custom_fields,list_memberships,street_addresses", null)).get("contacts").get(0);
    }

}
