package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.contract.SourceRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** direct:contacts end to end against the sandbox over HTTP, bulk path (the default). */
class DeliveryRouteTest {
    @TempDir
    Path dir;

    private Testbed bed;

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }


    @Test
    void mappedRecordsArriveByBulkImportWithTheirFields() {
        bed = Testbed.start(dir, Map.of());
        List<SourceRecord> records = new ArrayList<>(Testbed.people(1, 30));
        records.set(0, Testbed.person(1, "favourite_colour", "green", "city", "Leeds", "birthday", "1980-04-02"));

        DeliveryReport report = bed.deliver(records);

        assertThat(report.imported()).isEqualTo(30);
        assertThat(report.total()).isEqualTo(30);
        assertThat(bed.sandbox.contacts()).hasSize(30);
        ObjectNode first = bed.sandbox.contact("person1@example.com");
        assertThat(first.path("first_name").asText()).isEqualTo("First1");
        assertThat(first.path("company_name").asText()).isEqualTo("Company 1");
        assertThat(first.path("birthday_month").asInt()).isEqualTo(4);
        assertThat(first.path("street_addresses").path(0).path("city").asText()).isEqualTo("Leeds");
        assertThat(first.path("custom_fields").path(0).path("value").asText()).isEqualTo("green");
        assertThat(first.path("list_memberships")).hasSize(1);
        assertThat(bed.sandbox.requests()).anyMatch(r -> r.path().startsWith("/v3/activities/contacts_json_import"));
    }

    @Test
    void eachRejectionIsReportedWithFieldAndRuleWhileTheRestOfTheChunkArrives() {
        bed = Testbed.start(dir, Map.of());
        List<SourceRecord> records = new ArrayList<>(Testbed.people(1, 20));
        records.set(2, Testbed.person(3, "email", "not-an-email"));
        records.set(4, Testbed.person(5, "first_name", "x".repeat(51)));
        records.set(6, Testbed.person(7, "birthday", "31/12/1990"));
        records.set(8, Testbed.person(9, "anniversary", "soon"));
        records.set(10, Testbed.person(11, "email", "a".repeat(75) + "@example.com"));
        records.set(12, Testbed.person(13, "favourite_colour", "y".repeat(256)));

        DeliveryReport report = bed.deliver(records);

        assertThat(report.imported()).isEqualTo(14);
        assertThat(report.rejected()).extracting(DeliveryReport.Problem::origin).containsExactly(
                "test.csv line 3", "test.csv line 5", "test.csv line 7", "test.csv line 9", "test.csv line 11",
                "test.csv line 13");
        assertThat(report.rejected()).extracting(DeliveryReport.Problem::field).containsExactly(
                "email_address.address", "first_name", "birthday", "anniversary", "email_address.address",
                "custom_fields.favourite_colour");
        assertThat(report.rejected().get(0).reason()).contains("FORMAT");
        assertThat(report.rejected().get(1).reason()).contains("MAX_LENGTH");
        assertThat(report.rejected().get(2).reason()).contains("UNPARSEABLE_DATE");
        assertThat(bed.sandbox.contacts()).hasSize(14);
    }

    @Test
    void aSecondRunOfTheSameInputMakesNoContactCallAndAChangedRecordIsSentAgain() {
        bed = Testbed.start(dir, Map.of());
        bed.deliver(Testbed.people(1, 25));
        int before = bed.apiCalls().size();

        DeliveryReport again = bed.deliver(Testbed.people(1, 25));

        assertThat(again.unchanged()).isEqualTo(25);
        assertThat(bed.apiCalls()).hasSize(before);
        List<SourceRecord> changed = new ArrayList<>(Testbed.people(1, 25));
        changed.set(0, Testbed.person(1, "job_title", "Engineer"));
        DeliveryReport third = bed.deliver(changed);
        assertThat(third.unchanged()).isEqualTo(24);
        assertThat(third.delivered()).isEqualTo(1);
        assertThat(bed.sandbox.contact("person1@example.com").path("job_title").asText()).isEqualTo("Engineer");
    }

    @Test
    void aNameTheAccountLacksIsAClearErrorNamingTheMappingKey() throws Exception {
        Path mapping = dir.resolve("mapping.yaml");
        java.nio.file.Files.writeString(mapping, java.nio.file.Files.readString(Path.of("config/mapping-demo.yaml"))
                .replace("favourite_colour: favourite_colour", "shoe_size: shoe"));
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mapping-file", mapping.toString()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bed.deliver(Testbed.people(1, 3)))
                .hasRootCauseInstanceOf(UnknownNameException.class)
                .rootCause().hasMessageContaining("custom_fields.shoe_size")
                .hasMessageContaining("Constant Contact has no custom field 'shoe_size'");
        assertThat(bed.contactCalls()).isEmpty();
    }

    @Test
    void anOptedOutContactIsUnsubscribedAndNobodyIsEverResubscribed() {
        bed = Testbed.start(dir, Map.of());
        bed.post("/contacts", "{\"email_address\":{\"address\":\"person2@example.com\",\"permission_to_send\":"
                + "\"unsubscribed\"},\"create_source\":\"Account\",\"job_title\":\"Chef\"}");
        bed.post("/contacts", "{\"email_address\":{\"address\":\"person3@example.com\",\"permission_to_send\":"
                + "\"explicit\"},\"create_source\":\"Contact\"}");
        List<SourceRecord> records = new ArrayList<>(Testbed.people(1, 20));
        records.set(2, Testbed.person(3, "opted_out", "yes"));

        DeliveryReport report = bed.deliver(records);
        // from a sign-up source: an opted-out record must not go through sign_up_form (it forces explicit)
        DeliveryReport signUps = bed.deliver(List.of(Testbed.person(3, "opted_out", "yes", "first_name", "Again"),
                Testbed.person(30)), true);

        assertThat(report.delivered()).isEqualTo(20);
        assertThat(signUps.delivered()).isEqualTo(2);
        ObjectNode two = bed.sandbox.contact("person2@example.com");
        assertThat(two.path("email_address").path("permission_to_send").asText()).isEqualTo("unsubscribed");
        assertThat(two.path("job_title").asText()).isEqualTo("Chef");
        ObjectNode three = bed.sandbox.contact("person3@example.com");
        assertThat(three.path("email_address").path("permission_to_send").asText()).isEqualTo("unsubscribed");
        assertThat(three.path("first_name").asText()).isEqualTo("Again");
        assertThat(bed.sandbox.contact("person30@example.com").path("email_address").path("permission_to_send").asText())
                .isEqualTo("explicit");
        assertThat(bed.sandbox.requests()).filteredOn(r -> r.path().startsWith("/v3/contacts/sign_up_form"))
                .hasSize(1);
    }

    @Test
    void errorsOfAnImportActivityAreTracedBackToTheirRecords() {
        bed = Testbed.start(dir, Map.of());
        bed.resolveNames();
        io.ccsync.contact.ApiIds ids = bed.ccsync.bean("apiNames", ApiNames.class).ids(List.of());
        List<Item> items = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            // past ccsync's own validation, as if the API's rules had changed: the import refuses the long name
            items.add(named(i, i == 3 ? "n".repeat(60) : "Name" + i));
        }
        items.forEach(i -> i.ids(ids));
        BulkBatch batch = bed.ccsync.bean("bulkBatcher", BulkBatcher.class).batches(items).get(0);

        bed.ccsync.template().sendBody("direct:bulk-import", batch);

        assertThat(items).extracting(Item::outcome).containsExactly(Item.Outcome.IMPORTED, Item.Outcome.IMPORTED,
                Item.Outcome.REJECTED, Item.Outcome.IMPORTED, Item.Outcome.IMPORTED);
        assertThat(items.get(2).reason()).contains("first_name");
        assertThat(bed.emails()).hasSize(4);
    }

    private static Item named(int n, String firstName) {
        io.ccsync.contact.Contact c = io.ccsync.contact.Contact.builder("p" + n + "@example.com")
                .firstName(firstName).list("General Interest").build();
        return new Item(Testbed.person(n), new io.ccsync.contact.MappedRecord(Map.of(), c,
                io.ccsync.contact.ContactFingerprint.of(c), List.of()), false);
    }

    @Test
    void aChunkOverFourMegabytesArrivesWhole() {
        bed = Testbed.start(dir, Map.of());
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < 7_000; i++) {
            records.add(Testbed.person(i, "favourite_colour", "c".repeat(255), "street", "s".repeat(255),
                    "city", "Leeds"));
        }

        DeliveryReport report = bed.deliver(records);

        assertThat(report.imported()).isEqualTo(7_000);
        assertThat(bed.sandbox.requests()).filteredOn(r -> r.path().contains("contacts_json_import")).hasSize(2);
        assertThat(bed.emails()).hasSize(7_000);
    }
}
