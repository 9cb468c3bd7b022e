package io.ccsync.lifecycle;

import static io.ccsync.lifecycle.OptOutBed.deliver;
import static io.ccsync.lifecycle.OptOutBed.email;
import static io.ccsync.lifecycle.OptOutBed.people;
import static io.ccsync.lifecycle.OptOutBed.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.contract.DeliveryReport;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.testing.RunningCcsync;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A contact that opted out in Constant Contact, once the opt-out poll has remembered it, is never sent in a way that
 * could re-subscribe it by a later delivery (single, sign-up, bulk), and a record that only repeats the opt-out (the
 * CRM after ccsync.crm.optout-sql wrote it back) costs no call.
 */
class OptOutGuardTest {
    @TempDir
    Path dir;
    OptOutBed bed;

    @BeforeEach
    void setUp() {
        bed = new OptOutBed(dir);
    }

    @AfterEach
    void tearDown() {
        bed.close();
    }

    private RunningCcsync startWithRemembered(String mode, int contacts) throws Exception {
        String db = "jdbc:h2:mem:guard-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Map<String, String> settings = bed.settings(db, db, "sa", true);
        settings.remove("ccsync.crm.optout-sql"); // files only
        settings.put("ccsync.delivery.mode", mode);
        RunningCcsync ccsync = bed.start(bed.withInbox(settings));
        deliver(ccsync, people(1, contacts));
        bed.sandbox.unsubscribe(email(1), "spam");
        bed.sandbox.unsubscribe(email(2), null);
        OptOuts optOuts = ccsync.bean("optOuts", OptOuts.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> optOuts.remembered(List.of(email(1), email(2))).size() == 2);
        ccsync.context().getRouteController().stopRoute("optouts-poll"); // its calls would blur the counts below
        return ccsync;
    }

    @Test
    void singleAndSignUpNeverResubscribeARememberedOptOutAndItsEchoCostsNoCall() throws Exception {
        try (RunningCcsync ccsync = startWithRemembered("single", 3)) {
            String id1 = bed.sandbox.contact(email(1)).path("contact_id").asText();
            int before = bed.sandbox.requests().size();
            // a later file: the CRM's echo of person1's opt-out, and a real change for person2 (who opted out too)
            bed.drop("later.csv", "email,first_name,last_name,opted_out\n"
                    + email(1) + ",First1,Last1,true\n"
                    + email(2) + ",Renamed,Last2,false\n");
            assertThat(bed.doneReport("later.csv")).contains("2 records: 0 created, 1 updated").contains("1 unchanged");
            assertThat(bed.sandbox.requests().subList(before, bed.sandbox.requests().size()))
                    .extracting(LoggedRequest::path).noneMatch(p -> p.contains(id1) || p.contains("person1"));
            assertThat(bed.sandbox.contact(email(2)).path("first_name").asText()).isEqualTo("Renamed");

            // a sign-up source sends someone who opted out: a plain update, never the sign-up form (explicit consent)
            DeliveryReport signUp = ccsync.template().requestBodyAndHeader("direct:contacts",
                    List.of(person(2, "first_name", "Changed")), "CcsyncSignUp", "true", DeliveryReport.class);
            assertThat(signUp.updated()).isEqualTo(1);
            assertThat(bed.sandbox.requests().subList(before, bed.sandbox.requests().size()))
                    .extracting(LoggedRequest::path).noneMatch(p -> p.contains("sign_up_form"));
            assertThat(bed.sandbox.contact(email(2)).path("first_name").asText()).isEqualTo("Changed");
            assertThat(bed.sandbox.contact(email(2)).path("email_address").path("permission_to_send").asText())
                    .isEqualTo("unsubscribed");
            assertThat(bed.sandbox.contact(email(1)).path("email_address").path("permission_to_send").asText())
                    .isEqualTo("unsubscribed");
        }
    }

    @Test
    void aBulkDeliveryLeavesRememberedOptOutsUnsubscribedAndSendsNoCallForTheirEcho() throws Exception {
        try (RunningCcsync ccsync = startWithRemembered("bulk", 20)) {
            String id1 = bed.sandbox.contact(email(1)).path("contact_id").asText();
            int before = bed.sandbox.requests().size();
            StringBuilder file = new StringBuilder("email,first_name,last_name,opted_out\n");
            file.append(email(1)).append(",First1,Last1,true\n");      // the CRM's echo of the opt-out
            file.append(email(2)).append(",Renamed,Last2,false\n");    // a real change for someone who opted out
            for (int n = 3; n <= 20; n++) {
                file.append(email(n)).append(",New").append(n).append(",Last").append(n).append(",false\n");
            }
            bed.drop("later.csv", file.toString());

            assertThat(bed.doneReport("later.csv")).contains("19 imported").contains("1 unchanged");
            List<String> paths = bed.sandbox.requests().subList(before, bed.sandbox.requests().size()).stream()
                    .map(LoggedRequest::path).toList();
            assertThat(paths).noneMatch(p -> p.contains(id1) || p.contains("person1%40") || p.contains("person1@"))
                    .noneMatch(p -> p.contains("sign_up_form"));
            assertThat(bed.sandbox.contact(email(2)).path("first_name").asText()).isEqualTo("Renamed");
            for (int n : new int[] {1, 2}) {
                assertThat(bed.sandbox.contact(email(n)).path("email_address").path("permission_to_send").asText())
                        .isEqualTo("unsubscribed");
            }
        }
    }
}
