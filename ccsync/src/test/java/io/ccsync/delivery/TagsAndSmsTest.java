package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.delivery.UnknownNameException.Kind;
import io.ccsync.mapping.MappingGate;
import io.ccsync.contract.SourceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tags by name and SMS consent, end to end through the shipped routes against the sandbox over HTTP, on both paths:
 * tag names arrive as the account's tag ids (fixed tags and a ";" column), a fixed tag the account lacks pauses the
 * sources (or is created with create-missing), 51 tags reject the record; SMS consent is sent only when the source
 * gives it, a later record without it neither lowers nor copies it, and a read never puts it in a PUT.
 */
class TagsAndSmsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAPPING = """
            email: email
            first_name: first_name
            last_name: last_name
            company_name: company
            lists:
              default: ["General Interest"]
            tags:
              default: ["CRM"]
              column: tags
              separator: ";"
            sms_number: mobile
            sms_consent:
              column: sms_ok
              date: {column: sms_date, format: "dd/MM/yyyy"}
            """;

    @TempDir
    Path dir;

    private Testbed bed;

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private void start(String mode, String... more) throws Exception {
        Path mapping = dir.resolve("mapping.yaml");
        Files.writeString(mapping, MAPPING);
        Map<String, String> overrides = new HashMap<>(Map.of("ccsync.delivery.mode", mode,
                "ccsync.delivery.mapping-file", mapping.toString()));
        for (int i = 0; i + 1 < more.length; i += 2) {
            overrides.put(more[i], more[i + 1]);
        }
        bed = Testbed.start(dir, overrides);
    }

    private String tag(String name) throws Exception {
        return JSON.readTree(bed.post("/contact_tags", "{\"name\":\"" + name + "\"}")).path("tag_id").asText();
    }

    private JsonNode contact(int n) {
        return bed.sandbox.contact("person" + n + "@example.com");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static JsonNode smsConsents(JsonNode contact) {
        return contact.path("sms_channel").path("sms_channel_consents");
    }

    @Test
    void tagNamesArriveAsTheAccountsTagIdsAndTagsTheContactHoldsStay() throws Exception {
        start("single");
        String crm = tag("CRM");
        String vip = tag("VIP");
        String golf = tag("Golf");
        String other = tag("Other");
        bed.post("/contacts", "{\"email_address\":{\"address\":\"person2@example.com\"},\"create_source\":\"Contact\","
                + "\"taggings\":[\"" + other + "\"]}");

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1, "tags", "vip; Golf ;"),
                Testbed.person(2, "tags", "VIP")));

        assertThat(report.created()).isEqualTo(1);
        assertThat(report.updated()).isEqualTo(1);
        assertThat(texts(contact(1).path("taggings"))).containsExactlyInAnyOrder(crm, vip, golf);
        assertThat(texts(contact(2).path("taggings"))).as("a PUT replaces taggings: the contact's own stay")
                .containsExactlyInAnyOrder(crm, vip, other);

        DeliveryReport again = bed.deliver(List.of(Testbed.person(1, "tags", "VIP")));
        assertThat(again.updated()).as("a changed tag set is a change: delivered").isEqualTo(1);
        DeliveryReport same = bed.deliver(List.of(Testbed.person(1, "tags", "VIP")));
        assertThat(same.unchanged()).isEqualTo(1);
    }

    @Test
    void onTheBulkPathContactsAreImportedWithSmsThenTaggedWithTheirTagIds() throws Exception {
        start("bulk");
        String crm = tag("CRM");
        String vip = tag("VIP");
        List<SourceRecord> records = IntStream.rangeClosed(1, 12).mapToObj(n -> Testbed.person(n,
                "mobile", "+1 (555) 010-" + (1000 + n), "sms_ok", n % 2 == 0 ? "yes" : "", "sms_date", "03/12/2026",
                "tags", n <= 3 ? "VIP" : null)).toList();

        DeliveryReport report = bed.deliver(records);

        assertThat(report.imported()).isEqualTo(12);
        assertThat(bed.apiCalls()).filteredOn(r -> r.path().startsWith("/v3/activities/contacts_json_import"))
                .hasSize(1);
        assertThat(bed.apiCalls()).as("one taggings request per tag set")
                .filteredOn(r -> r.path().startsWith("/v3/activities/contacts_taggings_add")).hasSize(2);
        assertThat(bed.apiCalls()).as("no contact is looked up one by one")
                .filteredOn(r -> r.path().startsWith("/v3/contacts?email=")).isEmpty();
        for (int n = 1; n <= 12; n++) {
            JsonNode c = contact(n);
            assertThat(texts(c.path("taggings"))).as("person %d", n)
                    .containsExactlyInAnyOrderElementsOf(n <= 3 ? List.of(crm, vip) : List.of(crm));
            assertThat(c.path("sms_channel").path("full_sms_address").asText()).isEqualTo("+15550101" + (n < 10 ? "00" : "0") + n);
            if (n % 2 == 0) {
                assertThat(smsConsents(c)).hasSize(1);
                assertThat(smsConsents(c).get(0).path("sms_consent_permission").asText()).isEqualTo("explicit");
                assertThat(smsConsents(c).get(0).path("opt_in_date").asText()).isEqualTo("2026-12-03");
            } else {
                assertThat(smsConsents(c)).as("no consent given: none sent").isEmpty();
            }
        }

        DeliveryReport later = bed.deliver(IntStream.rangeClosed(1, 12).mapToObj(n -> Testbed.person(n,
                "first_name", "Later" + n, "mobile", "+1 (555) 010-" + (1000 + n))).toList());

        assertThat(later.imported()).isEqualTo(12);
        for (int n = 2; n <= 12; n += 2) {
            assertThat(smsConsents(contact(n))).as("person %d: a record without consent does not lower it", n)
                    .singleElement().satisfies(c -> assertThat(c.path("sms_consent_permission").asText())
                            .isEqualTo("explicit"));
        }
    }

    @Test
    void importedContactsWhoseTaggingFailsAreDeadLetteredAndTaggedWhenSentAgain() throws Exception {
        start("bulk");
        String crm = tag("CRM");
        bed.sandbox.failNextTaggings(1_000);

        DeliveryReport report = bed.deliver(Testbed.people(1, 12));

        assertThat(report.imported()).isZero();
        assertThat(report.deadLettered()).hasSize(12).allSatisfy(p -> assertThat(p.reason()).contains("tagging"));
        bed.sandbox.failNextTaggings(0);
        DeliveryReport again = bed.deliver(Testbed.people(1, 12));
        assertThat(again.imported()).as("not fingerprinted: sent again").isEqualTo(12);
        assertThat(texts(contact(7).path("taggings"))).containsExactly(crm);
    }

    @Test
    void theAccountsTagsAreReadPageByPage() throws Exception {
        start("single");
        String token = bed.ccsync.bean("tokenCache", io.ccsync.auth.TokenCache.class).accessToken().value();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 500; i++) { // straight to the sandbox: ccsync's 4/s budget would make this take minutes
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(bed.sandbox.apiUrl() + "/contact_tags"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"filler " + i + "\"}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        }
        String crm = tag("CRM"); // the 501st: on the second page

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1)));

        assertThat(report.created()).as(report.rejected().toString()).isEqualTo(1);
        assertThat(texts(contact(1).path("taggings"))).containsExactly(crm);
        assertThat(bed.apiCalls()).filteredOn(r -> r.path().startsWith("/v3/contact_tags?cursor=")).hasSize(1);
    }

    @Test
    void fiftyOneTagsRejectTheRecordWithItsReason() throws Exception {
        start("single");
        tag("CRM");
        String fifty = String.join(";", IntStream.rangeClosed(1, 50).mapToObj(i -> "t" + i).toList());

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1, "tags", fifty)));

        assertThat(report.rejected()).hasSize(1);
        assertThat(report.rejected().get(0).field()).isEqualTo("taggings");
        assertThat(report.rejected().get(0).reason()).contains("51 tags, at most 50");
        assertThat(bed.contactCalls()).isEmpty();
    }

    @Test
    void aTagNamedInTheColumnThatTheAccountLacksRejectsThatRecordOnly() throws Exception {
        start("single");
        tag("CRM");

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1, "tags", "Nope"), Testbed.person(2)));

        assertThat(report.rejected()).hasSize(1);
        assertThat(report.rejected().get(0).reason()).contains("no tag named 'Nope'");
        assertThat(report.created()).isEqualTo(1);
    }

    @Test
    void aFixedTagTheAccountLacksPausesTheSources() throws Exception {
        start("single", "ccsync.delivery.check-names-at-start", "true", "ccsync.mapping.check-interval", "100");
        MappingGate gate = bed.ccsync.bean("mappingGate", MappingGate.class);

        await().atMost(Duration.ofSeconds(30)).until(() -> !gate.missing().isEmpty());
        assertThat(gate.missing()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Kind.TAG);
            assertThat(m.name()).isEqualTo("CRM");
            assertThat(m.key()).isEqualTo("tags.default");
        });
        assertThat(gate.problem()).contains("tag 'CRM' (tags.default)").contains("Contacts > Tags")
                .contains("ccsync.mapping.create-missing=true");
    }

    @Test
    void createMissingCreatesTheFixedTag() throws Exception {
        start("single", "ccsync.delivery.check-names-at-start", "true", "ccsync.mapping.create-missing", "true",
                "ccsync.mapping.check-interval", "100");

        await().atMost(Duration.ofSeconds(30)).until(() -> bed.sandbox.requests().stream()
                .anyMatch(r -> r.method().equals("POST") && r.path().equals("/v3/contact_tags") && r.status() == 201));
        JsonNode tags = JSON.readTree(bed.call("GET", "/contact_tags", null)).path("tags");
        assertThat(tags).singleElement().satisfies(t -> assertThat(t.path("name").asText()).isEqualTo("CRM"));
        DeliveryReport report = bed.deliver(List.of(Testbed.person(1)));
        assertThat(report.created()).isEqualTo(1);
        assertThat(texts(contact(1).path("taggings"))).containsExactly(tags.get(0).path("tag_id").asText());
    }

    @Test
    void smsConsentIsSentOnlyWhenGivenAndALaterRecordWithoutItNeitherLowersNorCopiesIt() throws Exception {
        start("single");
        tag("CRM");

        bed.deliver(List.of(Testbed.person(1, "mobile", "+15550100001", "sms_ok", "no"),
                Testbed.person(2, "mobile", "+15550100002", "sms_ok", "yes", "sms_date", "01/02/2026")));
        assertThat(smsConsents(contact(1))).isEmpty();
        assertThat(smsConsents(contact(2)).get(0).path("sms_consent_permission").asText()).isEqualTo("explicit");
        assertThat(bed.sandbox.contactWrites().get(0).path("sms_channel").has("sms_channel_consents"))
                .as("no consent given: no consent sent").isFalse();

        DeliveryReport later = bed.deliver(List.of(Testbed.person(2, "first_name", "Renamed", "mobile",
                "+15550100002")));

        assertThat(later.updated()).isEqualTo(1);
        assertThat(contact(2).path("first_name").asText()).isEqualTo("Renamed");
        assertThat(smsConsents(contact(2))).singleElement().satisfies(c ->
                assertThat(c.path("sms_consent_permission").asText()).isEqualTo("explicit"));
        JsonNode put = bed.sandbox.contactWrites().get(bed.sandbox.contactWrites().size() - 1);
        assertThat(put.has("sms_channel")).as("the read's consent is not sent back: %s", put).isFalse();
    }

    @Test
    void aReadNeverPutsSmsConsentInAPutEvenWhenThePersonRepliesStopMeanwhile() throws Exception {
        start("single");
        tag("CRM");
        bed.post("/contacts", "{\"email_address\":{\"address\":\"person3@example.com\"},\"create_source\":\"Contact\","
                + "\"sms_channel\":{\"full_sms_address\":\"+15550100003\",\"sms_channel_consents\":"
                + "[{\"sms_consent_permission\":\"explicit\",\"consent_type\":\"promotional_sms\"}]}}");
        bed.sandbox.smsUnsubscribeAfterNextRead("person3@example.com");

        DeliveryReport report = bed.deliver(List.of(Testbed.person(3, "mobile", "+1 555 010 0003")));

        assertThat(report.updated()).isEqualTo(1);
        JsonNode put = bed.sandbox.contactWrites().get(bed.sandbox.contactWrites().size() - 1);
        assertThat(put.toString()).doesNotContain("sms_channel_consents").doesNotContain("explicit");
        assertThat(smsConsents(contact(3))).singleElement().satisfies(c ->
                assertThat(c.path("sms_consent_permission").asText()).isEqualTo("unsubscribed"));
    }

    @Test
    void aStaleYesFromTheSourceDoesNotUndoAnSmsUnsubscribe() throws Exception {
        start("single");
        tag("CRM");
        bed.post("/contacts", "{\"email_address\":{\"address\":\"person4@example.com\"},\"create_source\":\"Contact\","
                + "\"sms_channel\":{\"full_sms_address\":\"+15550100004\",\"sms_channel_consents\":"
                + "[{\"sms_consent_permission\":\"unsubscribed\",\"consent_type\":\"promotional_sms\"}]}}");

        bed.deliver(List.of(Testbed.person(4, "mobile", "+15550100004", "sms_ok", "yes")));

        assertThat(smsConsents(contact(4))).singleElement().satisfies(c ->
                assertThat(c.path("sms_consent_permission").asText()).isEqualTo("unsubscribed"));
    }

    @Test
    void anInvalidSmsNumberIsRejectedWithItsReason() throws Exception {
        start("single");
        tag("CRM");

        DeliveryReport report = bed.deliver(List.of(Testbed.person(5, "mobile", "call me maybe"),
                Testbed.person(6, "sms_ok", "yes")));

        assertThat(report.rejected()).hasSize(2);
        assertThat(report.rejected()).extracting(DeliveryReport.Problem::field)
                .containsOnly("sms_channel.full_sms_address");
        assertThat(report.rejected()).extracting(DeliveryReport.Problem::reason).anySatisfy(r ->
                assertThat(r).contains("'call me maybe' is not an SMS number")).anySatisfy(r ->
                assertThat(r).contains("SMS consent but no SMS number"));
    }
}
