package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /v3/activities/remove_list_memberships and contact_delete: activities with states, the soft delete. */
class ContactActivitiesTest {
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
        list = json(call("GET", "/v3/contact_lists", null)).get("lists").get(0).get("list_id").asText();
    }

    static HttpResponse<String> call(String method, String path, String body) {
        return Http.api(sandbox, token, method, path, body);
    }

    private String create(String email, String permission) {
        return json(call("POST", "/v3/contacts", "{\"email_address\":{\"address\":\"" + email
                + "\",\"permission_to_send\":\"" + permission + "\"},\"create_source\":\"Account\","
                + "\"list_memberships\":[\"" + list + "\"]}")).get("contact_id").asText();
    }

    private JsonNode finished(HttpResponse<String> posted) {
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        assertThat(json(posted).path("state").asText()).isEqualTo("initialized");
        String id = json(posted).get("activity_id").asText();
        return await().atMost(Duration.ofSeconds(10)).until(() -> json(call("GET", "/v3/activities/" + id, null)),
                a -> a.path("state").asText().equals("completed"));
    }

    @Test
    void removeListMembershipsTakesTheContactsOffTheListsAndKeepsThem() {
        String a = create("a@example.com", "implicit");
        String b = create("b@example.com", "implicit");

        JsonNode done = finished(call("POST", "/v3/activities/remove_list_memberships",
                "{\"source\":{\"contact_ids\":[\"" + a + "\"]},\"list_ids\":[\"" + list + "\"]}"));

        assertThat(done.path("status").path("items_total_count").asInt()).isEqualTo(1);
        assertThat(sandbox.contact("a@example.com").path("list_memberships")).isEmpty();
        assertThat(sandbox.contact("a@example.com").has("deleted_at")).isFalse();
        assertThat(sandbox.contact("b@example.com").path("list_memberships")).hasSize(1);
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void contactDeleteIsSoftAndAnImportBringsTheContactBackStillUnsubscribed() {
        String out = create("out@example.com", "unsubscribed");

        finished(call("POST", "/v3/activities/contact_delete", "{\"contact_ids\":[\"" + out + "\"]}"));
        assertThat(sandbox.contact("out@example.com").hasNonNull("deleted_at")).isTrue();
        assertThat(json(call("GET", "/v3/contacts?email=out@example.com", null)).path("contacts"))
                .as("hidden without status=all").isEmpty();
        assertThat(call("POST", "/v3/contacts", "{\"email_address\":{\"address\":\"out@example.com\"},"
                + "\"create_source\":\"Account\"}").statusCode()).as("the email is still taken").isEqualTo(409);

        finished(call("POST", "/v3/activities/contacts_json_import", "{\"import_data\":[{\"email\":"
                + "\"out@example.com\"}],\"list_ids\":[\"" + list + "\"]}"));
        JsonNode back = sandbox.contact("out@example.com");
        assertThat(back.has("deleted_at")).isFalse();
        assertThat(back.path("email_address").path("permission_to_send").asText()).isEqualTo("unsubscribed");
    }

    @Test
    void theRulesAreChecked() {
        String ids = IntStream.range(0, 501).mapToObj(i -> "\"" + java.util.UUID.randomUUID() + "\"")
                .collect(Collectors.joining(","));
        assertThat(call("POST", "/v3/activities/contact_delete", "{\"contact_ids\":[" + ids + "]}").body())
                .contains("1 to 500");
        assertThat(call("POST", "/v3/activities/remove_list_memberships",
                "{\"source\":{\"contact_ids\":[\"x\"]}}").body()).contains("list_ids is required");
        HttpResponse<String> both = call("POST", "/v3/activities/contact_delete",
                "{\"contact_ids\":[\"x\"],\"list_ids\":[\"" + list + "\"]}");
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.body()).contains("one of the two");
    }

    @Test
    void aListAsTheSourceDeletesEveryoneOnIt() {
        create("a@example.com", "implicit");
        create("b@example.com", "implicit");

        JsonNode done = finished(call("POST", "/v3/activities/contact_delete", "{\"list_ids\":[\"" + list + "\"]}"));

        assertThat(done.path("status").path("person_count").asInt()).isEqualTo(2);
        assertThat(sandbox.contacts()).allMatch(c -> c.hasNonNull("deleted_at"));
    }
}
