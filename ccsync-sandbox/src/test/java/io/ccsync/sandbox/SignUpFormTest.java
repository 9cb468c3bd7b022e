package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.json;
import static io.ccsync.sandbox.Http.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /v3/contacts/sign_up_form: create-or-update that forces explicit permission. */
class SignUpFormTest {
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

    @Test
    void newEmailIsCreatedWith201AndExplicitPermission() {
        HttpResponse<String> r = call("POST", "/v3/contacts/sign_up_form",
                "{\"email_address\":\"new@example.com\",\"first_name\":\"New\",\"list_memberships\":[\"" + list + "\"]}");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(json(r).get("action").asText()).isEqualTo("created");
        JsonNode c = json(call("GET", "/v3/contacts/" + json(r).get("contact_id").asText(), null));
        assertThat(c.get("email_address").get("permission_to_send").asText()).isEqualTo("explicit");
    }

    @Test
    void anUnsubscribedContactIsResubscribedExplicitly() {
        String id = json(call("POST", "/v3/contacts", "{\"email_address\":{\"address\":\"out@example.com\","
                + "\"permission_to_send\":\"unsubscribed\"},\"create_source\":\"Account\"}")).get("contact_id").asText();

        HttpResponse<String> r = call("POST", "/v3/contacts/sign_up_form",
                "{\"email_address\":\"out@example.com\",\"list_memberships\":[\"" + list + "\"]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("action").asText()).isEqualTo("updated");
        assertThat(json(r).get("contact_id").asText()).isEqualTo(id);
        JsonNode c = json(call("GET", "/v3/contacts/" + id, null));
        assertThat(c.get("email_address").get("permission_to_send").asText()).isEqualTo("explicit");
    }

    @Test
    void updateAppendsListsAndKeepsFieldsItDoesNotSend() {
        String other = json(call("POST", "/v3/contact_lists", "{\"name\":\"Second\"}")).get("list_id").asText();
        call("POST", "/v3/contacts/sign_up_form", "{\"email_address\":\"keep@example.com\",\"first_name\":\"Kim\","
                + "\"list_memberships\":[\"" + list + "\"]}");

        HttpResponse<String> r = call("POST", "/v3/contacts/sign_up_form", "{\"email_address\":\"keep@example.com\","
                + "\"list_memberships\":[\"" + other + "\"]}");

        JsonNode c = json(call("GET", "/v3/contacts/" + json(r).get("contact_id").asText() + "?include=list_memberships", null));
        assertThat(texts(c.get("list_memberships"))).containsExactly(list, other);
        assertThat(c.get("first_name").asText()).isEqualTo("Kim");
    }

    @Test
    void listMembershipsAreRequired() {
        HttpResponse<String> r = call("POST", "/v3/contacts/sign_up_form", "{\"email_address\":\"x@example.com\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get(0).get("error_message").asText()).contains("list_memberships");
    }

    @Test
    void emailAddressMustBeAPlainStringHere() {
        HttpResponse<String> r = call("POST", "/v3/contacts/sign_up_form",
                "{\"email_address\":{\"address\":\"x@example.com\"},\"list_memberships\":[\"" + list + "\"]}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get(0).get("error_message").asText()).contains("email_address");
    }
}
