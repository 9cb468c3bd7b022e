package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.SandboxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The riskiest case for duplicates, end to end: the sandbox handles ccsync's bulk import POST in full (the import
 * runs) and then closes the connection before answering. ccsync must find that activity and follow it, not post the
 * records a second time.
 */
class LostAnswerTest {
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
    void anImportWhoseAnswerWasLostIsFollowedNotPostedAgain() throws Exception {
        // a long first retry delay: time for the test to switch the fault off before ccsync tries again
        bed = Testbed.start(dir, SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(1_000_000),
                Map.of("ccsync.delivery.retry.delay", "1000"), Map.of());
        bed.resolveNames();
        int before = bed.sandbox.requests().size();

        bed.sandbox.setLostAnswerRate(1.0); // the next API request is handled, and its answer lost
        CompletableFuture<DeliveryReport> delivery = CompletableFuture.supplyAsync(
                () -> bed.deliver(Testbed.people(1, 30)));
        LoggedRequest lost = firstLost(before);
        bed.sandbox.setLostAnswerRate(0.0);
        DeliveryReport report = delivery.get(60, TimeUnit.SECONDS);

        assertThat(lost.method() + " " + lost.path()).isEqualTo("POST /v3/activities/contacts_json_import");
        assertThat(lost.status()).as("the server took the import").isBetween(200, 299);
        List<LoggedRequest> after = bed.sandbox.requests().subList(before, bed.sandbox.requests().size());
        assertThat(after).filteredOn(LoggedRequest::answerLost).hasSize(1);
        assertThat(after).as("the import POST made once: the lost one was found, not repeated")
                .filteredOn(r -> r.method().equals("POST") && r.path().startsWith("/v3/activities/contacts_json_"))
                .hasSize(1);
        assertThat(after).as("ccsync looked for it among the recent activities")
                .anyMatch(r -> r.method().equals("GET") && r.path().startsWith("/v3/activities?"));
        assertThat(report.deadLettered()).isEmpty();
        assertThat(report.imported()).isEqualTo(30);
        assertThat(bed.emails()).hasSize(30).doesNotHaveDuplicates();
    }

    private LoggedRequest firstLost(int from) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<LoggedRequest> log = bed.sandbox.requests();
            for (LoggedRequest r : log.subList(Math.min(from, log.size()), log.size())) {
                if (r.answerLost()) {
                    return r;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no lost answer within 30 s");
    }
}
