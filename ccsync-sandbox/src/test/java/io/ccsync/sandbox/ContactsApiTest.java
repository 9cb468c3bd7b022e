package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.json;
import static io.ccsync.sandbox.Http.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /v3/contacts: create, read, the PUT that blanks, the soft delete, filters and paging. */
class ContactsApiTest {
    @RegisterExtension
    static final ApiSession SESSION = new ApiSession();
    static Sandbox sandbox;
    static String token;

    @BeforeAll
    static void session() {
        sandbox = SESSION.sandbox();
        token = SESSION.token();
    }

    static HttpResponse<String> call(String method, String path, String body) {
        return Http.api(sandbox, token, method, path, body);
    }

    static String generalInterest() {
        return json(call("GET", "/v3/contact_lists?name=General%20Interest", null)).get("lists").get(0).get("list_id").asText();
    }

    static JsonNode create(String email, String extra) {
        HttpResponse<String> r = call("POST", "/v3/contacts", "{\"email_address\":{\"address\":\"" + email
                + "\",\"permission_to_send\":\"implicit\"},\"create_source\":\"Account\"" + extra + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r);
    }

    @Test
    void postCreatesAContactWith201AndTheV3Shape() {
        JsonNode c = create("ana@example.com", ",\"first_name\":\"Ana\",\"list_memberships\":[\"" + generalInterest() + "\"]");

        assertThat(c.get("contact_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(c.get("email_address").get("address").asText()).isEqualTo("ana@example.com");
        assertThat(c.get("email_address").get("permission_to_send").asText()).isEqualTo("implicit");
        assertThat(c.get("first_name").asText()).isEqualTo("Ana");
        assertThat(c.get("create_source").asText()).isEqualTo("Account");
        assertThat(c.has("created_at")).isTrue();
        assertThat(sandbox.contacts()).hasSize(1);
    }

    @Test
    void postWithoutCreateSourceIs400NamingIt() {
        HttpResponse<String> r = call("POST", "/v3/contacts", "{\"email_address\":{\"address\":\"a@example.com\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get(0).get("error_key").asText()).isEqualTo("contacts.api.validation.error");
        assertThat(json(r).get(0).get("error_message").asText()).contains("create_source");
    }

    @Test
    void postOfAnExistingEmailIs409ConflictWhateverTheCase() {
        create("bo@example.com", "");

        HttpResponse<String> r = call("POST", "/v3/contacts",
                "{\"email_address\":{\"address\":\"BO@Example.com\"},\"create_source\":\"Account\"}");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).get(0).get("error_key").asText()).isEqualTo("contacts.api.conflict");
    }

    @Test
    void postOfADeletedContactsEmailIs409Too() {
        String id = create("gone@example.com", "").get("contact_id").asText();
        assertThat(call("DELETE", "/v3/contacts/" + id, null).statusCode()).isEqualTo(204);

        HttpResponse<String> r = call("POST", "/v3/contacts",
                "{\"email_address\":{\"address\":\"gone@example.com\"},\"create_source\":\"Account\"}");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).get(0).get("error_key").asText()).isEqualTo("contacts.api.conflict");
    }

    @Test
    void putBlanksCoreFieldsItLeavesOutAndKeepsSubResourcesItLeavesOut() {
        String list = generalInterest();
        String id = create("cy@example.com", ",\"first_name\":\"Cy\",\"last_name\":\"Young\",\"job_title\":\"Pitcher\","
                + "\"list_memberships\":[\"" + list + "\"],\"phone_numbers\":[{\"phone_number\":\"555-1234\",\"kind\":\"work\"}]")
                .get("contact_id").asText();

        HttpResponse<String> r = call("PUT", "/v3/contacts/" + id, "{\"email_address\":{\"address\":\"cy@example.com\"},"
                + "\"update_source\":\"Account\",\"first_name\":\"Cyrus\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode c = json(call("GET", "/v3/contacts/" + id + "?include=list_memberships,phone_numbers", null));
        assertThat(c.get("first_name").asText()).isEqualTo("Cyrus");
        assertThat(c.path("last_name").isMissingNode() || c.get("last_name").isNull()).isTrue();
        assertThat(c.path("job_title").isMissingNode() || c.get("job_title").isNull()).isTrue();
        assertThat(texts(c.get("list_memberships"))).containsExactly(list);
        assertThat(c.get("phone_numbers").get(0).get("phone_number").asText()).isEqualTo("555-1234");
    }

    @Test
    void putReplacesTheSubResourcesItIncludes() {
        String id = create("di@example.com", ",\"phone_numbers\":[{\"phone_number\":\"1\",\"kind\":\"home\"},"
                + "{\"phone_number\":\"2\",\"kind\":\"work\"}]").get("contact_id").asText();

        call("PUT", "/v3/contacts/" + id, "{\"email_address\":{\"address\":\"di@example.com\"},\"update_source\":\"Contact\","
                + "\"phone_numbers\":[{\"phone_number\":\"3\",\"kind\":\"mobile\"}]}");

        JsonNode phones = json(call("GET", "/v3/contacts/" + id + "?include=phone_numbers", null)).get("phone_numbers");
        assertThat(phones).hasSize(1);
        assertThat(phones.get(0).get("phone_number").asText()).isEqualTo("3");
    }

    @Test
    void putWithoutUpdateSourceIs400() {
        String id = create("ed@example.com", "").get("contact_id").asText();

        HttpResponse<String> r = call("PUT", "/v3/contacts/" + id, "{\"email_address\":{\"address\":\"ed@example.com\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get(0).get("error_message").asText()).contains("update_source");
    }

    @Test
    void putRevivesADeletedContact() {
        String id = create("fay@example.com", "").get("contact_id").asText();
        call("DELETE", "/v3/contacts/" + id, null);

        call("PUT", "/v3/contacts/" + id, "{\"email_address\":{\"address\":\"fay@example.com\"},\"update_source\":\"Account\"}");

        JsonNode c = json(call("GET", "/v3/contacts/" + id, null));
        assertThat(c.path("deleted_at").isMissingNode() || c.get("deleted_at").isNull()).isTrue();
        assertThat(json(call("GET", "/v3/contacts?email=fay@example.com", null)).get("contacts")).hasSize(1);
    }

    @Test
    void deleteIsSoftHidingTheContactUnlessStatusIsAll() {
        String id = create("gus@example.com", "").get("contact_id").asText();

        assertThat(call("DELETE", "/v3/contacts/" + id, null).statusCode()).isEqualTo(204);

        assertThat(json(call("GET", "/v3/contacts?email=gus@example.com", null)).get("contacts")).isEmpty();
        JsonNode all = json(call("GET", "/v3/contacts?email=gus@example.com&status=all", null)).get("contacts");
        assertThat(all).hasSize(1);
        assertThat(all.get(0).get("deleted_at").asText()).isNotEmpty();
    }

    @Test
    void getOfAnUnknownIdIs404() {
        HttpResponse<String> r = call("GET", "/v3/contacts/00000000-0000-0000-0000-000000000000", null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).isArray()).isTrue();
    }

    @Test
    void emailFilterIsExactCaseInsensitiveAndNoMatchIsAnEmpty200() {
        create("hal@example.com", "");
        create("hal2@example.com", "");

        assertThat(json(call("GET", "/v3/contacts?email=HAL@example.com", null)).get("contacts")).hasSize(1);
        HttpResponse<String> none = call("GET", "/v3/contacts?email=nobody@example.com", null);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none).get("contacts")).isEmpty();
    }

    @Test
    void subResourcesAreOmittedUnlessIncluded() {
        create("ida@example.com", ",\"list_memberships\":[\"" + generalInterest() + "\"]");

        JsonNode plain = json(call("GET", "/v3/contacts?email=ida@example.com", null)).get("contacts").get(0);
        JsonNode with = json(call("GET", "/v3/contacts?email=ida@example.com&include=list_memberships,custom_fields", null))
                .get("contacts").get(0);

        assertThat(plain.has("list_memberships")).isFalse();
        assertThat(plain.has("custom_fields")).isFalse();
        assertThat(with.get("list_memberships")).hasSize(1);
        assertThat(with.has("custom_fields")).isTrue();
        assertThat(with.has("phone_numbers")).isFalse();
    }

    @Test
    void pagesFollowLinksNextHrefUntilItIsAbsent() {
        for (int i = 0; i < 5; i++) {
            create("page" + i + "@example.com", "");
        }
        List<String> seen = new ArrayList<>();
        String path = "/v3/contacts?limit=2";
        int pages = 0;
        while (path != null) {
            JsonNode page = json(call("GET", path, null));
            page.get("contacts").forEach(c -> seen.add(c.get("email_address").get("address").asText()));
            JsonNode next = page.path("_links").path("next").path("href");
            path = next.isMissingNode() ? null : next.asText();
            if (path != null) {
                assertThat(path).startsWith("/v3/contacts?cursor=");
            }
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("page0@example.com", "page1@example.com", "page2@example.com",
                "page3@example.com", "page4@example.com");
    }

    @Test
    void includeCountCountsEveryMatchNotJustThePage() {
        for (int i = 0; i < 5; i++) {
            create("count" + i + "@example.com", "");
        }

        JsonNode first = json(call("GET", "/v3/contacts?limit=2&include_count=true", null));
        JsonNode exact = json(call("GET", "/v3/contacts?limit=5", null));

        assertThat(first.get("contacts")).hasSize(2);
        assertThat(first.get("contacts_count").asInt()).isEqualTo(5);
        assertThat(first.path("_links").has("next")).isTrue();
        assertThat(exact.get("contacts")).hasSize(5);
        assertThat(exact.path("_links").has("next")).isFalse();
    }

    @Test
    void limitOutside1To500Is400() {
        assertThat(call("GET", "/v3/contacts?limit=501", null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/v3/contacts?limit=0", null).statusCode()).isEqualTo(400);
    }

    @Test
    void updatedAfterFiltersOutOlderContacts() {
        create("old@example.com", "");

        JsonNode future = json(call("GET", "/v3/contacts?updated_after=2999-01-01T00:00:00Z", null));
        JsonNode past = json(call("GET", "/v3/contacts?updated_after=2000-01-01T00:00:00Z", null));

        assertThat(future.get("contacts")).isEmpty();
        assertThat(past.get("contacts")).hasSize(1);
    }

    @Test
    void customFieldsAreListedAndCreatedWithIdLabelNameType() {
        HttpResponse<String> created = call("POST", "/v3/contact_custom_fields", "{\"label\":\"Favorite Color\",\"type\":\"string\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode fields = json(call("GET", "/v3/contact_custom_fields", null)).get("custom_fields");
        assertThat(fields).hasSize(1);
        assertThat(fields.get(0).get("custom_field_id").asText()).isNotEmpty();
        assertThat(fields.get(0).get("label").asText()).isEqualTo("Favorite Color");
        assertThat(fields.get(0).get("name").asText()).isEqualTo("favorite_color");
        assertThat(fields.get(0).get("type").asText()).isEqualTo("string");
    }

    @Test
    void listsAreFilteredByName() {
        assertThat(call("POST", "/v3/contact_lists", "{\"name\":\"Customers\"}").statusCode()).isEqualTo(201);

        JsonNode lists = json(call("GET", "/v3/contact_lists?name=Customers", null)).get("lists");

        assertThat(lists).hasSize(1);
        assertThat(lists.get(0).get("name").asText()).isEqualTo("Customers");
        assertThat(lists.get(0).get("list_id").asText()).isNotEmpty();
        assertThat(json(call("GET", "/v3/contact_lists", null)).get("lists")).hasSize(2);
    }

    @Test
    void theUnsubscribeHookFlipsAContactRightAfterAReadThatStillShowsItSubscribed() {
        String id = create("flip@example.com", "").get("contact_id").asText();
        sandbox.unsubscribeAfterNextRead("FLIP@example.com");

        JsonNode read = json(call("GET", "/v3/contacts?email=flip%40example.com&status=all", null));

        assertThat(read.at("/contacts/0/email_address/permission_to_send").asText()).isEqualTo("implicit");
        JsonNode now = json(call("GET", "/v3/contacts/" + id, null)).get("email_address");
        assertThat(now.get("permission_to_send").asText()).isEqualTo("unsubscribed");
        assertThat(now.get("opt_out_source").asText()).as("the person, not the account").isEqualTo("Contact");
        HttpResponse<String> put = call("PUT", "/v3/contacts/" + id, "{\"email_address\":{\"address\":"
                + "\"flip@example.com\"},\"update_source\":\"Account\"}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(json(put).at("/email_address/permission_to_send").asText())
                .as("a PUT without permission_to_send keeps the consent as it is").isEqualTo("unsubscribed");
    }

    @Test
    void theFailingUpdatesHookAnswers503ThenLetsThePutThrough() {
        String id = create("busy@example.com", "").get("contact_id").asText();
        sandbox.failNextUpdates("busy@example.com", 2);
        String body = "{\"email_address\":{\"address\":\"busy@example.com\"},\"update_source\":\"Account\","
                + "\"first_name\":\"Now\"}";

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(call("PUT", "/v3/contacts/" + id, body).statusCode());
        }

        assertThat(statuses).containsExactly(503, 503, 200);
        assertThat(sandbox.contact("busy@example.com").get("first_name").asText()).isEqualTo("Now");
    }

    @Test
    void theTakenHookDropsThePostAndLetsAnotherClientCreateTheContact() {
        sandbox.takenByAnotherClientOnNextCreate("taken@example.com");
        String body = "{\"email_address\":{\"address\":\"taken@example.com\",\"permission_to_send\":"
                + "\"unsubscribed\"},\"create_source\":\"Account\"}";

        assertThat(sandbox.contactCount()).isZero();
        assertThatThrownBy(() -> call("POST", "/v3/contacts", body)).as("the connection drops: no answer")
                .isInstanceOf(UncheckedIOException.class);
        assertThat(sandbox.contact("taken@example.com").at("/email_address/permission_to_send").asText())
                .as("someone else's contact, subscribed").isEqualTo("implicit");
        assertThat(call("POST", "/v3/contacts", body).statusCode()).isEqualTo(409);
    }
}
