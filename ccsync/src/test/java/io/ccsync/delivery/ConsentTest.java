package io.ccsync.delivery;

import io.ccsync.contract.SourceRecord;
import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccsync.cli.ReplayCommand;
import io.ccsync.sandbox.LoggedRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent stays Constant Contact's, end to end through the shipped routes: a contact that unsubscribes while ccsync
 * holds a read of it is never re-subscribed (PUT, retried PUT), an opt-out whose create meets someone else's contact
 * is applied to it, and a replayed sign-up never re-subscribes someone who opted out since.
 */
class ConsentTest {
    @TempDir
    Path dir;

    private Testbed bed;

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private void subscribed(int n) {
        bed.post("/contacts", "{\"email_address\":{\"address\":\"person" + n + "@example.com\",\"permission_to_send\":"
                + "\"implicit\"},\"create_source\":\"Contact\",\"first_name\":\"Before\"}");
    }

    private JsonNode email(int n) {
        return bed.sandbox.contact("person" + n + "@example.com").path("email_address");
    }

    @Test
    void fivePeopleWhoUnsubscribeBetweenTheReadAndThePutStayUnsubscribed() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single"));
        IntStream.rangeClosed(1, 5).forEach(this::subscribed);
        IntStream.rangeClosed(1, 5).forEach(n -> bed.sandbox.unsubscribeAfterNextRead("person" + n + "@example.com"));

        DeliveryReport report = bed.deliver(Testbed.people(1, 5));

        assertThat(report.updated()).isEqualTo(5);
        for (int n = 1; n <= 5; n++) {
            assertThat(email(n).path("permission_to_send").asText()).as("person %d", n).isEqualTo("unsubscribed");
            assertThat(email(n).path("opt_out_source").asText()).isEqualTo("Contact");
            assertThat(bed.sandbox.contact("person" + n + "@example.com").path("first_name").asText())
                    .as("the update itself went through").isEqualTo("First" + n);
        }
    }

    @Test
    void aPutRetriedAfterA5xxDoesNotReSubscribeEither() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single"));
        subscribed(6);
        bed.sandbox.unsubscribeAfterNextRead("person6@example.com");
        bed.sandbox.failNextUpdates("person6@example.com", 1);

        DeliveryReport report = bed.deliver(List.of(Testbed.person(6)));

        assertThat(report.updated()).isEqualTo(1);
        assertThat(bed.contactCalls()).filteredOn(r -> r.method().equals("PUT")).extracting(LoggedRequest::status)
                .containsExactly(503, 200);
        assertThat(email(6).path("permission_to_send").asText()).isEqualTo("unsubscribed");
    }

    @Test
    void anOptOutWhoseCreateMeetsSomeoneElsesContactAfterALostPostIsAppliedToIt() {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single"));
        bed.sandbox.takenByAnotherClientOnNextCreate("person7@example.com");
        List<io.ccsync.contract.SourceRecord> optOut = List.of(Testbed.person(7, "opted_out", "yes"));

        DeliveryReport report = bed.deliver(optOut);

        assertThat(bed.contactCalls()).extracting(r -> r.method() + " " + r.status())
                .as("GET, the POST that got no answer, its retry's 409, then read and update")
                .containsExactly("GET 200", "POST 0", "POST 409", "GET 200", "PUT 200");
        assertThat(email(7).path("permission_to_send").asText()).isEqualTo("unsubscribed");
        assertThat(report.updated()).isEqualTo(1);
        assertThat(report.deadLettered()).isEmpty();
        int calls = bed.apiCalls().size();
        assertThat(bed.deliver(optOut).unchanged()).as("fingerprinted once applied").isEqualTo(1);
        assertThat(bed.apiCalls()).hasSize(calls);
    }

    @Test
    void replayNeverSendsAnOldSignUpThroughTheFormForSomeoneWhoOptedOutSince() throws Exception {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.mode", "single", "ccsync.delivery.retry.attempts", "1"));
        bed.resolveNames();
        subscribed(8);
        bed.sandbox.setFailRate(1.0);
        DeliveryReport failed = bed.deliver(List.of(Testbed.person(8), Testbed.person(9)), true);
        bed.sandbox.setFailRate(0.0);
        assertThat(failed.deadLettered()).hasSize(2);
        String id = bed.sandbox.contact("person8@example.com").path("contact_id").asText();
        bed.call("PUT", "/contacts/" + id, "{\"email_address\":{\"address\":\"person8@example.com\","
                + "\"permission_to_send\":\"unsubscribed\"},\"update_source\":\"Contact\",\"first_name\":\"Before\"}");
        int before = bed.sandbox.requests().size();

        StringWriter out = new StringWriter();
        int exit = ReplayCommand.replay(null, bed.settings, 1000, new PrintWriter(out));

        assertThat(exit).as(out.toString()).isZero();
        List<LoggedRequest> replay = bed.sandbox.requests().subList(before, bed.sandbox.requests().size());
        assertThat(replay).filteredOn(r -> r.path().startsWith("/v3/contacts/sign_up_form"))
                .as("only the sign-up of someone with no contact").hasSize(1);
        assertThat(email(8).path("permission_to_send").asText()).as("opted out after signing up").isEqualTo(
                "unsubscribed");
        assertThat(bed.sandbox.contact("person8@example.com").path("first_name").asText()).isEqualTo("First8");
        assertThat(email(9).path("permission_to_send").asText()).as("a genuine sign-up still signs up")
                .isEqualTo("explicit");
    }
}
