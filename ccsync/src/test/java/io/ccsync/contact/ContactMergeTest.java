package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PUT body: a PUT nulls the core fields it lacks and replaces the sub-resources it has. */
class ContactMergeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ApiIds IDS = new ApiIds(Map.of("favourite_colour", "cf-1"), Map.of("Newsletter", "list-1"));

    /** A contact as {@code GET /contacts?include=…} returns it. */
    private static ObjectNode existing() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"contact_id":"c-1","email_address":{"address":"ann@example.com","permission_to_send":"explicit",
                  "created_at":"2020-01-01T00:00:00Z","opt_in_source":"Contact"},
                 "first_name":"Ann","last_name":"Lee","job_title":"CTO","company_name":"Acme",
                 "birthday_month":7,"birthday_day":4,"anniversary":"2015-06-01",
                 "created_at":"2020-01-01T00:00:00Z","updated_at":"2021-01-01T00:00:00Z",
                 "phone_numbers":[{"phone_number_id":"p-1","phone_number":"555 0100","kind":"work"},
                                  {"phone_number_id":"p-2","phone_number":"555 0111","kind":"home"}],
                 "street_addresses":[{"street_address_id":"a-1","kind":"work","city":"Boston"}],
                 "custom_fields":[{"custom_field_id":"cf-2","value":"gold"},{"custom_field_id":"cf-1","value":"red"}],
                 "list_memberships":["list-9"]}""");
    }

    private static ObjectNode put(Contact ours) throws Exception {
        return ours.updateBody(existing(), IDS);
    }

    private static Contact.Builder ours() {
        return Contact.builder("ann@example.com").list("Newsletter");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.toString()));
        return out;
    }

    @Test
    void coreFieldsWeDoNotSendAreKeptFromTheExistingContact() throws Exception {
        ObjectNode body = put(ours().firstName("Annie").build());
        assertThat(body.get("first_name").asText()).isEqualTo("Annie");
        assertThat(List.of(body.get("last_name").asText(), body.get("job_title").asText(),
                body.get("company_name").asText(), body.get("birthday_month").asText(),
                body.get("birthday_day").asText(), body.get("anniversary").asText()))
                .containsExactly("Lee", "CTO", "Acme", "7", "4", "2015-06-01");
    }

    @Test
    void theReadPermissionIsNeverSentBack() throws Exception {
        // the GET said explicit; by the time of the PUT the person may have unsubscribed: the PUT must not say
        assertThat(put(ours().build()).path("email_address").has("permission_to_send")).isFalse();
    }

    @Test
    void anExistingUnsubscribeIsNotEchoedEither() throws Exception {
        ObjectNode existing = existing();
        ((ObjectNode) existing.get("email_address")).put("permission_to_send", "unsubscribed");
        assertThat(ours().build().updateBody(existing, IDS).path("email_address").has("permission_to_send"))
                .isFalse();
    }

    @Test
    void anOptedOutRecordUnsubscribesAnExplicitContact() throws Exception {
        assertThat(put(ours().unsubscribed().build()).at("/email_address/permission_to_send").asText())
                .isEqualTo("unsubscribed");
    }

    @Test
    void readOnlyFieldsAreNotSentBack() throws Exception {
        ObjectNode body = put(ours().build());
        assertThat(body.has("contact_id") || body.has("created_at") || body.has("updated_at")).isFalse();
        assertThat(body.get("email_address").has("created_at")).isFalse();
    }

    @Test
    void updateBodyNamesTheAccountAsUpdateSource() throws Exception {
        assertThat(put(ours().build()).get("update_source").asText()).isEqualTo("Account");
    }

    @Test
    void ourPhoneReplacesTheExistingOneOfTheSameKindAndOtherKindsStay() throws Exception {
        ObjectNode body = put(ours().phone(PhoneKind.WORK, "555 0200").build());
        assertThat(texts(body.get("phone_numbers"))).containsExactly(
                "{\"phone_number\":\"555 0200\",\"kind\":\"work\"}",
                "{\"phone_number\":\"555 0111\",\"kind\":\"home\"}");
    }

    @Test
    void phonesAreLeftOutWhenWeSendNoneSoTheApiKeepsThem() throws Exception {
        assertThat(put(ours().build()).has("phone_numbers")).isFalse();
    }

    @Test
    void existingAddressesOfOtherKindsStay() throws Exception {
        ObjectNode body = put(ours().address(new Address(AddressKind.HOME, null, "Paris", null, null, null)).build());
        assertThat(texts(body.get("street_addresses"))).containsExactly(
                "{\"kind\":\"home\",\"city\":\"Paris\"}", "{\"kind\":\"work\",\"city\":\"Boston\"}");
    }

    @Test
    void existingCustomFieldsWeDoNotSendStay() throws Exception {
        ObjectNode body = put(ours().customField("favourite_colour", "green").build());
        assertThat(texts(body.get("custom_fields"))).containsExactly(
                "{\"custom_field_id\":\"cf-1\",\"value\":\"green\"}",
                "{\"custom_field_id\":\"cf-2\",\"value\":\"gold\"}");
    }

    @Test
    void existingListMembershipsAreKeptSoNoOneIsRemovedFromAList() throws Exception {
        assertThat(texts(put(ours().build()).get("list_memberships"))).containsExactly("\"list-1\"", "\"list-9\"");
    }

    @Test
    void mergingNeverPushesASubResourcePastTheApisLimit() throws Exception {
        ObjectNode existing = existing();
        existing.putArray("phone_numbers").add(phone("home")).add(phone("mobile")).add(phone("other"));
        ObjectNode body = ours().phone(PhoneKind.WORK, "1").phone(PhoneKind.OTHER, "2").build()
                .updateBody(existing, IDS);
        assertThat(body.get("phone_numbers")).hasSize(3);
    }

    private static ObjectNode phone(String kind) {
        return JSON.createObjectNode().put("phone_number", "555").put("kind", kind);
    }
    private static ObjectNode withSms(String address, String permission) throws Exception {
        ObjectNode c = existing();
        ObjectNode sms = c.putObject("sms_channel").put("full_sms_address", address);
        if (permission != null) {
            sms.putArray("sms_channel_consents").addObject().put("sms_consent_permission", permission)
                    .put("consent_type", "promotional_sms");
        }
        c.putArray("taggings").add("tag-9");
        return c;
    }

    private static final ApiIds TAG_IDS = new ApiIds(Map.of(), Map.of("Newsletter", "list-1"), Map.of("VIP", "tag-1"));

    @Test
    void theContactsOwnTaggingsStayBesideOurs() throws Exception {
        ObjectNode body = ours().tag("VIP").build().updateBody(withSms("+15550100", "explicit"), TAG_IDS);
        assertThat(texts(body.get("taggings"))).containsExactly("\"tag-1\"", "\"tag-9\"");
    }

    @Test
    void aReadSmsConsentIsNeverSentBackAndTheSameNumberWithoutConsentLeavesTheChannelAlone() throws Exception {
        ObjectNode body = ours().smsNumber("+1 555-0100").build().updateBody(withSms("+15550100", "explicit"), TAG_IDS);
        assertThat(body.has("sms_channel")).as(body.toString()).isFalse();
        ObjectNode none = ours().build().updateBody(withSms("+15550100", "explicit"), TAG_IDS);
        assertThat(none.has("sms_channel")).isFalse();
    }

    @Test
    void ourGivenConsentIsSentButNeverOverAnSmsUnsubscribe() throws Exception {
        Contact given = ours().smsNumber("+15550100").smsConsentGiven("2026-01-02").build();
        ObjectNode fresh = given.updateBody(withSms("+15550199", "explicit"), TAG_IDS);
        assertThat(fresh.at("/sms_channel/full_sms_address").asText()).isEqualTo("+15550100");
        assertThat(fresh.at("/sms_channel/sms_channel_consents/0/sms_consent_permission").asText())
                .isEqualTo("explicit");
        assertThat(fresh.at("/sms_channel/sms_channel_consents/0/opt_in_date").asText()).isEqualTo("2026-01-02");
        assertThat(given.updateBody(withSms("+15550100", "unsubscribed"), TAG_IDS).has("sms_channel")).isFalse();
    }

    @Test
    void aNewNumberWithoutConsentCarriesNoConsent() throws Exception {
        ObjectNode body = ours().smsNumber("+15550177").build().updateBody(withSms("+15550100", "explicit"), TAG_IDS);
        assertThat(body.at("/sms_channel/full_sms_address").asText()).isEqualTo("+15550177");
        assertThat(body.get("sms_channel").has("sms_channel_consents")).isFalse();
    }
}
