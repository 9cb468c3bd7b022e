package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contact body limits: each breach is a 400 contacts.api.validation.error naming the field. */
class ContactValidationTest {
    static Sandbox sandbox;
    static String token;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(Http.relaxed());
        token = Http.accessToken(sandbox);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static HttpResponse<String> post(String email, String extra) {
        return Http.api(sandbox, token, "POST", "/v3/contacts", "{\"email_address\":{\"address\":\"" + email
                + "\"},\"create_source\":\"Account\"" + extra + "}");
    }

    static String n(int count, String item) {
        return String.join(",", java.util.Collections.nCopies(count, item));
    }

    static Stream<Arguments> breaches() {
        String x51 = "x".repeat(51);
        return Stream.of(
                Arguments.of("email over 80 characters", "a".repeat(75) + "@example.com", "", "email_address.address"),
                Arguments.of("email without @", "not-an-email", "", "email_address.address"),
                Arguments.of("permission_to_send outside the enum", "p@example.com",
                        ",\"email_address\":{\"address\":\"p@example.com\",\"permission_to_send\":\"maybe\"}", "permission_to_send"),
                Arguments.of("first_name over 50", "f@example.com", ",\"first_name\":\"" + x51 + "\"", "first_name"),
                Arguments.of("last_name over 50", "l@example.com", ",\"last_name\":\"" + x51 + "\"", "last_name"),
                Arguments.of("job_title over 50", "j@example.com", ",\"job_title\":\"" + x51 + "\"", "job_title"),
                Arguments.of("company_name over 50", "c@example.com", ",\"company_name\":\"" + x51 + "\"", "company_name"),
                Arguments.of("birthday month without day", "b@example.com", ",\"birthday_month\":3", "birthday_"),
                Arguments.of("birthday month 13", "b@example.com", ",\"birthday_month\":13,\"birthday_day\":1", "birthday_month"),
                Arguments.of("anniversary in an unknown format", "a@example.com", ",\"anniversary\":\"March 3rd\"", "anniversary"),
                Arguments.of("four phone numbers", "ph@example.com",
                        ",\"phone_numbers\":[" + n(4, "{\"phone_number\":\"1\",\"kind\":\"home\"}") + "]", "phone_numbers"),
                Arguments.of("phone kind outside the enum", "ph@example.com",
                        ",\"phone_numbers\":[{\"phone_number\":\"1\",\"kind\":\"pager\"}]", "phone_numbers[0].kind"),
                Arguments.of("phone number over 25", "ph@example.com",
                        ",\"phone_numbers\":[{\"phone_number\":\"" + "1".repeat(26) + "\",\"kind\":\"home\"}]", "phone_number"),
                Arguments.of("street address without kind", "s@example.com",
                        ",\"street_addresses\":[{\"street\":\"1 Main St\"}]", "street_addresses[0].kind"),
                Arguments.of("four street addresses", "s@example.com",
                        ",\"street_addresses\":[" + n(4, "{\"kind\":\"home\"}") + "]", "street_addresses"),
                Arguments.of("city over 50", "s@example.com",
                        ",\"street_addresses\":[{\"kind\":\"home\",\"city\":\"" + x51 + "\"}]", "city"),
                Arguments.of("unknown custom field id", "cf@example.com",
                        ",\"custom_fields\":[{\"custom_field_id\":\"nope\",\"value\":\"v\"}]", "custom_field_id"),
                Arguments.of("26 custom fields", "cf@example.com",
                        ",\"custom_fields\":[" + n(26, "{\"custom_field_id\":\"nope\",\"value\":\"v\"}") + "]", "custom_fields"),
                Arguments.of("51 list memberships", "lm@example.com",
                        ",\"list_memberships\":[" + n(51, "\"nope\"") + "]", "list_memberships"),
                Arguments.of("unknown list id", "lm@example.com", ",\"list_memberships\":[\"nope\"]", "list_memberships"),
                Arguments.of("51 taggings", "t@example.com", ",\"taggings\":[" + n(51, "\"t\"") + "]", "taggings"),
                Arguments.of("151 notes", "no@example.com", ",\"notes\":[" + n(151, "{\"content\":\"c\"}") + "]", "notes"),
                Arguments.of("note over 2000", "no@example.com",
                        ",\"notes\":[{\"content\":\"" + "c".repeat(2001) + "\"}]", "notes[0].content"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breaches")
    void aBreachIs400ValidationErrorNamingTheField(String what, String email, String extra, String field) {
        HttpResponse<String> r = post(email, extra);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode errors = json(r);
        assertThat(errors.isArray()).isTrue();
        assertThat(errors.get(0).get("error_key").asText()).isEqualTo("contacts.api.validation.error");
        assertThat(errors.toString()).contains(field);
        assertThat(sandbox.contacts()).noneMatch(c -> c.get("email_address").get("address").asText().equals(email));
    }

    @Test
    void valuesAtTheLimitsAreAccepted() {
        String field = json(Http.api(sandbox, token, "POST", "/v3/contact_custom_fields", "{\"label\":\"Tier\"}"))
                .get("custom_field_id").asText();
        java.util.List<String> tags = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) { // a contact's taggings are tag ids of the account
            tags.add("\"" + json(Http.api(sandbox, token, "POST", "/v3/contact_tags", "{\"name\":\"t" + i + "\"}"))
                    .get("tag_id").asText() + "\"");
        }
        HttpResponse<String> r = post("edge@example.com", ",\"first_name\":\"" + "x".repeat(50) + "\","
                + "\"birthday_month\":12,\"birthday_day\":31,\"anniversary\":\"12/31/2020\","
                + "\"phone_numbers\":[" + n(3, "{\"phone_number\":\"" + "1".repeat(25) + "\",\"kind\":\"mobile\"}") + "],"
                + "\"street_addresses\":[{\"kind\":\"work\",\"street\":\"" + "s".repeat(255) + "\"}],"
                + "\"custom_fields\":[{\"custom_field_id\":\"" + field + "\",\"value\":\"" + "v".repeat(255) + "\"}],"
                + "\"taggings\":[" + String.join(",", tags) + "],\"notes\":[{\"content\":\"" + "c".repeat(2000) + "\"}]");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void anniversaryAcceptsIsoAndUsDates() {
        assertThat(post("iso@example.com", ",\"anniversary\":\"2020-03-04\"").statusCode()).isEqualTo(201);
        assertThat(post("us@example.com", ",\"anniversary\":\"03/04/2020\"").statusCode()).isEqualTo(201);
    }
}
