package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The V3 JSON body for POST and PUT, and the flat bulk-import record. */
class ContactBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ApiIds IDS = new ApiIds(Map.of("favourite_colour", "cf-1"),
            Map.of("Newsletter", "list-1", "VIP", "list-2"));

    private static Contact full() {
        return Contact.builder("ann@example.com").firstName("Ann").lastName("Lee").jobTitle("CTO")
                .companyName("Acme").birthday(7, 4).anniversary("2015-06-01")
                .phone(PhoneKind.WORK, "555 0100")
                .address(new Address(AddressKind.HOME, "1 Main St", "Springfield", "IL", "62701", "US"))
                .customField("favourite_colour", "green").list("Newsletter").list("VIP").build();
    }

    private static String json(ObjectNode node) throws Exception {
        return JSON.writeValueAsString(node);
    }

    @Test
    void v3BodyHasEveryFieldInTheApisShape() throws Exception {
        assertThat(json(full().v3Body(IDS))).isEqualTo("""
                {"email_address":{"address":"ann@example.com"},"first_name":"Ann","last_name":"Lee",\
                "job_title":"CTO","company_name":"Acme","birthday_month":7,"birthday_day":4,\
                "anniversary":"2015-06-01","phone_numbers":[{"phone_number":"555 0100","kind":"work"}],\
                "street_addresses":[{"kind":"home","street":"1 Main St","city":"Springfield","state":"IL",\
                "postal_code":"62701","country":"US"}],\
                "custom_fields":[{"custom_field_id":"cf-1","value":"green"}],\
                "list_memberships":["list-1","list-2"]}""");
    }

    @Test
    void v3BodyLeavesOutFieldsThatAreNotSet() throws Exception {
        assertThat(json(Contact.builder("ann@example.com").list("Newsletter").build().v3Body(IDS)))
                .isEqualTo("{\"email_address\":{\"address\":\"ann@example.com\"},\"list_memberships\":[\"list-1\"]}");
    }

    @Test
    void anOptedOutContactIsSentAsUnsubscribed() {
        Contact c = Contact.builder("ann@example.com").unsubscribed().list("Newsletter").build();
        assertThat(c.v3Body(IDS).at("/email_address/permission_to_send").asText()).isEqualTo("unsubscribed");
    }

    @Test
    void aContactThatDidNotOptOutSendsNoPermission() {
        assertThat(full().v3Body(IDS).at("/email_address").has("permission_to_send")).isFalse();
    }

    @Test
    void createBodyNamesTheAccountAsCreateSource() {
        assertThat(full().createBody(IDS).get("create_source").asText()).isEqualTo("Account");
    }

    @Test
    void anUnresolvedCustomFieldNameIsAWiringError() {
        ApiIds noCustomFields = new ApiIds(Map.of(), Map.of("Newsletter", "list-1", "VIP", "list-2"));
        assertThatThrownBy(() -> full().v3Body(noCustomFields)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("custom field 'favourite_colour' has no id");
    }

    @Test
    void anUnresolvedListNameIsAWiringError() {
        ApiIds noVip = new ApiIds(Map.of("favourite_colour", "cf-1"), Map.of("Newsletter", "list-1"));
        assertThatThrownBy(() -> full().v3Body(noVip)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("list 'VIP' has no id");
    }

    @Test
    void bulkRecordIsFlatWithCustomFieldsByName() throws Exception {
        assertThat(json(full().bulkRecord())).isEqualTo("""
                {"email":"ann@example.com","first_name":"Ann","last_name":"Lee","job_title":"CTO",\
                "company_name":"Acme","phone":"555 0100","street":"1 Main St","city":"Springfield","state":"IL",\
                "zip":"62701","country":"US","birthday_month":7,"birthday_day":4,"anniversary":"2015-06-01",\
                "cf:favourite_colour":"green"}""");
    }

    @Test
    void bulkRecordLeavesOutFieldsThatAreNotSetSoExistingValuesStay() throws Exception {
        assertThat(json(Contact.builder("ann@example.com").firstName("Ann").list("Newsletter").build().bulkRecord()))
                .isEqualTo("{\"email\":\"ann@example.com\",\"first_name\":\"Ann\"}");
    }

    @Test
    void bulkRecordSizeIsTheUtf8LengthOfItsCompactJson() throws Exception {
        Contact c = Contact.builder("zoe@example.com").firstName("Zoë").lastName("日本").list("Newsletter").build();
        assertThat(c.bulkRecordJsonSize()).isEqualTo(json(c.bulkRecord()).getBytes(StandardCharsets.UTF_8).length)
                .isGreaterThan(json(c.bulkRecord()).length());
    }

    @Test
    void aContactWithOnePhoneAndOneAddressFitsBulkImport() {
        assertThat(full().fitsBulkImport()).isTrue();
    }

    @Test
    void anOptedOutContactDoesNotFitBulkImportWhichCannotUnsubscribe() {
        assertThat(Contact.builder("ann@example.com").unsubscribed().list("Newsletter").build().fitsBulkImport())
                .isFalse();
    }

    @Test
    void aSecondPhoneDoesNotFitBulkImportWhichHasOnePhone() {
        Contact c = Contact.builder("ann@example.com").phone(PhoneKind.WORK, "1").phone(PhoneKind.MOBILE, "2")
                .list("Newsletter").build();
        assertThat(c.fitsBulkImport()).isFalse();
    }

    @Test
    void aSecondAddressDoesNotFitBulkImportWhichHasOneAddress() {
        Address a = new Address(AddressKind.HOME, null, "Paris", null, null, null);
        Contact c = Contact.builder("ann@example.com").address(a).address(a).list("Newsletter").build();
        assertThat(c.fitsBulkImport()).isFalse();
    }
}
