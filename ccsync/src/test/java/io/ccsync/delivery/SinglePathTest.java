package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.sandbox.LoggedRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-contact path: GET by email with status=all, then POST or a merged PUT. */
class SinglePathTest {
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
    void aNewContactIsFoundMissingThenCreated() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single"));

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1, "phone", "0113 496 0000")));

        assertThat(report.created()).isEqualTo(1);
        assertThat(bed.contactCalls()).extracting(LoggedRequest::method).containsExactly("GET", "POST");
        assertThat(bed.contactCalls().get(0).path()).contains("email=person1%40example.com").contains("status=all");
        ObjectNode created = bed.sandbox.contact("person1@example.com");
        assertThat(created.path("create_source").asText()).isEqualTo("Account");
        assertThat(created.path("phone_numbers").path(0).path("kind").asText()).isEqualTo("work");
    }

    @Test
    void anExistingContactIsUpdatedByAPutThatKeepsWhatTheRecordDoesNotCarry() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single"));
        bed.post("/contacts", "{\"email_address\":{\"address\":\"person1@example.com\",\"permission_to_send\":"
                + "\"explicit\"},\"create_source\":\"Contact\",\"job_title\":\"Chef\",\"first_name\":\"Old\","
                + "\"phone_numbers\":[{\"phone_number\":\"555\",\"kind\":\"home\"}]}");

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1)));

        assertThat(report.updated()).isEqualTo(1);
        assertThat(bed.contactCalls()).extracting(LoggedRequest::method).containsExactly("POST", "GET", "PUT");
        ObjectNode updated = bed.sandbox.contact("person1@example.com");
        assertThat(updated.path("first_name").asText()).isEqualTo("First1");
        assertThat(updated.path("job_title").asText()).as("not in the record: kept").isEqualTo("Chef");
        assertThat(updated.path("phone_numbers").path(0).path("phone_number").asText()).isEqualTo("555");
        assertThat(updated.path("email_address").path("permission_to_send").asText()).isEqualTo("explicit");
    }

    @Test
    void aDeletedContactIsFoundWithStatusAllAndRevivedByPutInsteadOfA409() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single"));
        String id = bed.post("/contacts", "{\"email_address\":{\"address\":\"person1@example.com\"},"
                + "\"create_source\":\"Account\"}").replaceAll("(?s).*\"contact_id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        bed.call("DELETE", "/contacts/" + id, null);

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1)));

        assertThat(report.updated()).isEqualTo(1);
        assertThat(bed.sandbox.contact("person1@example.com").has("deleted_at")).isFalse();
    }

    @Test
    void aSmallChunkGoesOneByOneEvenInBulkMode() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.single-below", "5"));

        DeliveryReport report = bed.deliver(Testbed.people(1, 4));

        assertThat(report.created()).isEqualTo(4);
        assertThat(bed.sandbox.requests()).noneMatch(r -> r.path().contains("contacts_json_import"));
    }

    @Test
    void signUpFormOnlyForASignUpSource() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single"));

        bed.deliver(List.of(Testbed.person(1)), false);
        bed.deliver(List.of(Testbed.person(2)), true);

        assertThat(bed.sandbox.requests()).filteredOn(r -> r.path().startsWith("/v3/contacts/sign_up_form"))
                .hasSize(1);
        assertThat(bed.sandbox.contact("person1@example.com").path("email_address").path("permission_to_send").asText())
                .isEqualTo("implicit");
        assertThat(bed.sandbox.contact("person2@example.com").path("email_address").path("permission_to_send").asText())
                .isEqualTo("explicit");
    }
}
