package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.source.SourceRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 5xx answers and dropped connections: retried until delivered, nothing lost, nothing twice, no import repeated. */
class FaultsTest {
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
    void underFailAndDropRatesEveryContactArrivesExactlyOnce() throws Exception {
        bed = Testbed.start(dir, SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(1_000_000)
                .withSeed(7), Map.of("ccsync.delivery.retry.attempts", "12",
                "ccsync.delivery.bulk.max-records", "100"), Map.of());
        bed.resolveNames();
        bed.sandbox.setFailRate(0.25);
        bed.sandbox.setDropRate(0.1);
        List<SourceRecord> records = new ArrayList<>(Testbed.people(1, 300));
        for (int i = 0; i < 15; i++) {
            records.add(Testbed.person(1000 + i, "opted_out", "yes"));
        }

        DeliveryReport report = bed.deliver(records);

        assertThat(report.delivered()).as(report.deadLettered().toString()).isEqualTo(315);
        assertThat(bed.sandbox.requests()).anyMatch(r -> r.status() == 0).anyMatch(r -> r.status() >= 500);
        bed.sandbox.setFailRate(0);
        bed.sandbox.setDropRate(0);
        assertThat(bed.emails()).hasSize(315).doesNotHaveDuplicates();
        var activities = new ObjectMapper().readTree(bed.call("GET", "/activities", null)).path("activities");
        assertThat(activities).as("one import per batch of 100: none posted twice").hasSize(3);
        assertThat(bed.sandbox.contacts()).filteredOn(c -> c.path("email_address").path("address").asText()
                .startsWith("person10")).filteredOn(c -> c.path("email_address").path("address").asText().length()
                == "person1000@example.com".length())
                .allSatisfy(c -> assertThat(c.path("email_address").path("permission_to_send").asText())
                        .isEqualTo("unsubscribed"));
    }
}
