package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.source.SourceRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's "done when", at full size (minutes, so only with -Dccsync.full=true; see docs/delivery.md): 50,000 mixed
 * records against a sandbox failing 20% of requests, with the real limits (4/s, 10,000/day).
 */
@EnabledIfSystemProperty(named = "ccsync.full", matches = "true")
class FullRunTest {
    private static final int RECORDS = 50_000;
    private static final int CHUNK = 1_000;

    @TempDir
    Path dir;

    private Testbed bed;

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** Every 100th record invalid, every 1000th opted out (the single path), the rest plain. */
    private static List<SourceRecord> input() {
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            if (i % 100 == 7) {
                records.add(Testbed.person(i, "email", "broken-" + i));
            } else if (i % 1000 == 3) {
                records.add(Testbed.person(i, "opted_out", "yes"));
            } else {
                records.add(Testbed.person(i));
            }
        }
        return records;
    }

    private DeliveryReport deliverInChunks(List<SourceRecord> records) {
        DeliveryReport total = new DeliveryReport();
        for (int from = 0; from < records.size(); from += CHUNK) {
            total.merge(bed.deliver(records.subList(from, Math.min(records.size(), from + CHUNK))));
        }
        return total;
    }

    @Test
    void fiftyThousandMixedRecordsUnderAFailingApi() {
        bed = Testbed.start(dir, SandboxOptions.defaults().withSeed(5), Map.of(
                "ccsync.delivery.bulk.poll-interval", "500",
                "ccsync.delivery.retry.attempts", "10",
                "ccsync.delivery.retry.delay", "500",
                "ccsync.delivery.retry.max-delay", "8000"), Map.of());
        List<SourceRecord> records = input();
        for (int i = 0; i < 20; i++) { // people who unsubscribed in Constant Contact: the CRM does not know
            bed.post("/contacts", "{\"email_address\":{\"address\":\"person" + (i * 997) + "@example.com\","
                    + "\"permission_to_send\":\"unsubscribed\"},\"create_source\":\"Contact\"}");
        }
        deliverInChunks(records.subList(0, 2_000)); // these will be unchanged in the big run
        bed.sandbox.setFailRate(0.2);
        Instant start = Instant.now();

        DeliveryReport report = deliverInChunks(records);

        Duration took = Duration.between(start, Instant.now());
        bed.sandbox.setFailRate(0);
        System.out.println("FULL RUN: " + report.summary() + " in " + took);
        int invalid = RECORDS / 100;
        assertThat(report.total()).isEqualTo(RECORDS);
        assertThat(report.rejected()).hasSize(invalid).allSatisfy(p -> assertThat(p.reason()).contains("FORMAT"));
        assertThat(report.deadLettered()).isEmpty();
        assertThat(report.unchanged()).isEqualTo(2_000 - 2_000 / 100);
        List<String> emails = bed.emails();
        assertThat(emails).hasSize(RECORDS - invalid).doesNotHaveDuplicates();
        Set<String> unsubscribed = new HashSet<>();
        bed.sandbox.contacts().stream()
                .filter(c -> c.path("email_address").path("permission_to_send").asText().equals("unsubscribed"))
                .forEach(c -> unsubscribed.add(c.path("email_address").path("address").asText()));
        for (int i = 0; i < 20; i++) {
            assertThat(unsubscribed).contains("person" + (i * 997) + "@example.com");
        }
        assertThat(unsubscribed).contains("person3@example.com", "person49003@example.com");
        List<Instant> at = bed.apiCalls().stream().map(LoggedRequest::at).sorted().toList();
        for (int i = 0; i + 4 < at.size(); i++) {
            assertThat(Duration.between(at.get(i), at.get(i + 4))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }

        int before = bed.sandbox.requests().size();
        DeliveryReport again = deliverInChunks(records);

        assertThat(again.unchanged()).isEqualTo(RECORDS - invalid);
        assertThat(bed.sandbox.requests()).hasSize(before);
    }
}
