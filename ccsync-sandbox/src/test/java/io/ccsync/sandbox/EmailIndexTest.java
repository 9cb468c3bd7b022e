package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The account's index by email: every way to find a contact by its address (GET /contacts?email=, the 409 of a
 * POST or PUT, the bulk import's upsert, the sign-up form, {@link Sandbox#contact}) sees what create, update,
 * delete, import, sign-up and reset did, over real HTTP.
 */
class EmailIndexTest {
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

    static String create(String email) {
        HttpResponse<String> r = post(email);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("contact_id").asText();
    }

    static HttpResponse<String> post(String email) {
        return call("POST", "/v3/contacts", "{\"email_address\":{\"address\":\"" + email
                + "\",\"permission_to_send\":\"implicit\"},\"create_source\":\"Account\"}");
    }

    static HttpResponse<String> putEmail(String id, String email) {
        return call("PUT", "/v3/contacts/" + id, "{\"email_address\":{\"address\":\"" + email
                + "\"},\"update_source\":\"Account\"}");
    }

    /** The ids GET /v3/contacts?email= answers with (status=all: deleted ones too). */
    static List<String> idsFor(String email) {
        HttpResponse<String> r = call("GET", "/v3/contacts?status=all&email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(r).get("contacts").forEach(c -> ids.add(c.get("contact_id").asText()));
        return ids;
    }

    String importAndWait(String... records) {
        String id = json(call("POST", "/v3/activities/contacts_json_import", "{\"import_data\":["
                + String.join(",", records) + "],\"list_ids\":[\"" + list + "\"]}")).get("activity_id").asText();
        JsonNode done = BulkImportTest.awaitCompleted(sandbox, token, id);
        assertThat(done.get("status").get("error_count").asInt()).as(done.toString()).isZero();
        return id;
    }

    @Test
    void aCreatedContactIsFoundByItsEmailInAnyCase() {
        String id = create("Ann.Lee@Example.com");

        assertThat(idsFor("ann.lee@example.com")).containsExactly(id);
        assertThat(idsFor("ANN.LEE@EXAMPLE.COM")).containsExactly(id);
        assertThat(idsFor("ann.lee@example.co")).isEmpty();
        assertThat(sandbox.contact("ann.lee@example.com").get("contact_id").asText()).isEqualTo(id);
        assertThat(sandbox.contact("ann.lee@example.com").get("email_address").get("address").asText())
                .isEqualTo("Ann.Lee@Example.com");
        assertThat(post("ann.LEE@example.com").statusCode()).isEqualTo(409);
    }

    @Test
    void anUpdateThatChangesTheEmailMovesTheIndexEntry() {
        String id = create("old@example.com");

        HttpResponse<String> r = putEmail(id, "new@example.com");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(idsFor("old@example.com")).isEmpty();
        assertThat(idsFor("NEW@example.com")).containsExactly(id);
        assertThat(sandbox.contact("new@example.com").get("contact_id").asText()).isEqualTo(id);
        assertThatThrownBy(() -> sandbox.contact("old@example.com")).isInstanceOf(NoSuchElementException.class);
        HttpResponse<String> taken = post("new@example.com");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(json(taken).get(0).get("error_message").asText()).contains(id);
        // the old address is free again: a new contact can have it
        String other = create("old@example.com");
        assertThat(other).isNotEqualTo(id);
        assertThat(idsFor("old@example.com")).containsExactly(other);
        assertThat(sandbox.contactCount()).isEqualTo(2);
    }

    @Test
    void anUpdateThatOnlyChangesTheCaseKeepsTheEntry() {
        String id = create("case@example.com");

        assertThat(putEmail(id, "CASE@Example.com").statusCode()).isEqualTo(200);

        assertThat(idsFor("case@example.com")).containsExactly(id);
        assertThat(sandbox.contact("Case@example.com").get("email_address").get("address").asText())
                .isEqualTo("CASE@Example.com");
        assertThat(post("case@example.com").statusCode()).isEqualTo(409);
    }

    @Test
    void anUpdateToAnotherContactsEmailIs409AndChangesNothing() {
        String first = create("first@example.com");
        String second = create("second@example.com");

        HttpResponse<String> r = putEmail(second, "First@example.com");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).get(0).get("error_message").asText()).contains(first);
        assertThat(idsFor("first@example.com")).containsExactly(first);
        assertThat(idsFor("second@example.com")).containsExactly(second);
    }

    @Test
    void aDeletedContactKeepsItsEmailAndAnImportBringsItBack() {
        String id = create("gone@example.com");
        assertThat(call("DELETE", "/v3/contacts/" + id, null).statusCode()).isEqualTo(204);

        assertThat(json(call("GET", "/v3/contacts?email=gone@example.com", null)).get("contacts")).isEmpty();
        assertThat(json(call("GET", "/v3/contacts?email=gone@example.com&status=deleted", null)).get("contacts"))
                .hasSize(1);
        assertThat(idsFor("gone@example.com")).containsExactly(id);
        assertThat(post("gone@example.com").statusCode()).isEqualTo(409);

        importAndWait("{\"email\":\"GONE@example.com\",\"first_name\":\"Back\"}");

        assertThat(idsFor("gone@example.com")).containsExactly(id);
        JsonNode back = json(call("GET", "/v3/contacts?email=gone@example.com", null)).get("contacts").get(0);
        assertThat(back.get("contact_id").asText()).isEqualTo(id);
        assertThat(back.get("first_name").asText()).isEqualTo("Back");
        assertThat(back.has("deleted_at")).isFalse();
        assertThat(sandbox.contactCount()).isEqualTo(1);
    }

    @Test
    void anImportCreatesFindableContactsAndUpdatesExistingOnesWhateverTheCase() {
        String existing = create("Kim@example.com");

        importAndWait("{\"email\":\"kim@EXAMPLE.com\",\"last_name\":\"Updated\"}",
                "{\"email\":\"lou@example.com\"}", "{\"email\":\"Max@Example.com\"}",
                "{\"email\":\"lou@example.com\",\"first_name\":\"Lou\"}");

        assertThat(sandbox.contactCount()).isEqualTo(3);
        assertThat(idsFor("kim@example.com")).containsExactly(existing);
        assertThat(sandbox.contact("kim@example.com").get("last_name").asText()).isEqualTo("Updated");
        assertThat(idsFor("lou@example.com")).hasSize(1);
        assertThat(sandbox.contact("lou@example.com").get("first_name").asText()).isEqualTo("Lou");
        assertThat(idsFor("max@example.com")).hasSize(1);
        assertThat(post("max@example.com").statusCode()).isEqualTo(409);
        String max = idsFor("max@example.com").get(0);
        assertThat(putEmail(max, "lou@example.com").statusCode()).isEqualTo(409);
    }

    @Test
    void anImportAfterAnEmailChangeFollowsTheNewAddress() {
        String id = create("before@example.com");
        assertThat(putEmail(id, "after@example.com").statusCode()).isEqualTo(200);

        importAndWait("{\"email\":\"after@example.com\",\"job_title\":\"Moved\"}",
                "{\"email\":\"before@example.com\",\"job_title\":\"Fresh\"}");

        assertThat(sandbox.contactCount()).isEqualTo(2);
        assertThat(idsFor("after@example.com")).containsExactly(id);
        assertThat(sandbox.contact("after@example.com").get("job_title").asText()).isEqualTo("Moved");
        assertThat(idsFor("before@example.com")).hasSize(1).doesNotContain(id);
        assertThat(sandbox.contact("before@example.com").get("job_title").asText()).isEqualTo("Fresh");
    }

    @Test
    void theSignUpFormFindsAndCreatesThroughTheIndex() {
        String existing = create("Pat@example.com");

        HttpResponse<String> updated = call("POST", "/v3/contacts/sign_up_form",
                "{\"email_address\":\"PAT@example.com\",\"list_memberships\":[\"" + list + "\"]}");
        HttpResponse<String> created = call("POST", "/v3/contacts/sign_up_form",
                "{\"email_address\":\"quinn@example.com\",\"list_memberships\":[\"" + list + "\"]}");

        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(json(updated).get("contact_id").asText()).isEqualTo(existing);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(idsFor("quinn@example.com")).containsExactly(json(created).get("contact_id").asText());
        assertThat(post("Quinn@example.com").statusCode()).isEqualTo(409);
    }

    @Test
    void theEmailFilterStillCombinesWithTheOtherFilters() {
        String other = json(call("POST", "/v3/contact_lists", "{\"name\":\"Other\"}")).get("list_id").asText();
        String id = create("combo@example.com");
        importAndWait("{\"email\":\"combo@example.com\"}");

        assertThat(json(call("GET", "/v3/contacts?email=combo@example.com&lists=" + list, null)).get("contacts"))
                .hasSize(1);
        assertThat(json(call("GET", "/v3/contacts?email=combo@example.com&lists=" + other, null)).get("contacts"))
                .isEmpty();
        assertThat(json(call("GET", "/v3/contacts?email=combo@example.com&status=unsubscribed", null))
                .get("contacts")).isEmpty();
        JsonNode counted = json(call("GET", "/v3/contacts?email=combo@example.com&include_count=true", null));
        assertThat(counted.get("contacts_count").asInt()).isEqualTo(1);
        assertThat(counted.get("contacts").get(0).get("contact_id").asText()).isEqualTo(id);
    }

    @Test
    void resetEmptiesTheIndex() {
        String before = create("reset@example.com");

        sandbox.reset();

        assertThat(idsFor("reset@example.com")).isEmpty();
        assertThat(sandbox.contactCount()).isZero();
        assertThatThrownBy(() -> sandbox.contact("reset@example.com")).isInstanceOf(NoSuchElementException.class);
        assertThat(create("reset@example.com")).isNotEqualTo(before);
    }

    @Test
    void lookUpsIgnoreCaseExactlyAsEqualsIgnoreCaseDoes() {
        // U+017F (long s) upper-cases to S, and U+212A (Kelvin sign) lower-cases to k: equalsIgnoreCase matches
        // both with the plain letters, so the look-up that used it must still find them
        String id = create("sk@example.com");

        assertThat(idsFor("\u017Fk@example.com")).containsExactly(id);
        assertThat(idsFor("s\u212A@example.com")).containsExactly(id);
    }

    @Test
    void theKeyOfEveryCharacterAgreesWithEqualsIgnoreCaseAgainstAscii() {
        // stored addresses are ASCII (the email rule allows nothing else); what is looked up can be anything
        List<String> disagreements = new ArrayList<>();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            if (Character.isSurrogate(c)) {
                continue;
            }
            String one = String.valueOf(c);
            String key = Account.emailKey(one);
            for (char a = ' '; a < 0x7f; a++) {
                String ascii = String.valueOf(a);
                if (key.equals(Account.emailKey(ascii)) != one.equalsIgnoreCase(ascii)) {
                    disagreements.add(String.format("U+%04X vs '%s'", (int) c, ascii));
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }
}
