package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.source.SourceRecord;
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

    private ObjectNode contact(String email) {
        return bed.sandbox.contacts().stream()
                .filter(c -> c.path("email_address").path("address").asText().equals(email)).findFirst()
                .orElseThrow(() -> new AssertionError("no contact " + email));
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
        ObjectNode first = contact("person1@example.com");
        assertThat(first.path("first_name").asText()).isEqualTo("First1");
        assertThat(first.path("company_name").asText()).isEqualTo("Company 1");
        assertThat(first.path("birthday_month").asInt()).isEqualTo(4);
        assertThat(first.path("street_addresses").path(0).path("city").asText()).isEqualTo("Leeds");
        assertThat(first.path("custom_fields").path(0).path("value").asText()).isEqualTo("green");
        assertThat(first.path("list_memberships")).hasSize(1);
        assertThat(bed.sandbox.requests()).anyMatch(r -> r.path().startsWith("/v3/activities/contacts_json_import"));
    }
}
