package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.sandbox.testing.MutableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one API budget against the sandbox's real limits (4/s, a daily quota). */
class BudgetRouteTest {
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
    void concurrentCallersTogetherStayWithinFourRequestsInAnySecond() {
        bed = Testbed.start(dir, SandboxOptions.defaults(), Map.of("ccsync.delivery.mode", "single"), Map.of());
        bed.resolveNames();

        CompletableFuture<DeliveryReport> a = CompletableFuture.supplyAsync(() -> bed.deliver(Testbed.people(1, 6)));
        CompletableFuture<DeliveryReport> b = CompletableFuture.supplyAsync(() -> bed.deliver(Testbed.people(50, 6)));
        CompletableFuture<DeliveryReport> c = CompletableFuture.supplyAsync(() -> bed.deliver(Testbed.people(90, 4)));

        assertThat(a.join().created() + b.join().created() + c.join().created()).isEqualTo(16);
        List<Instant> at = bed.apiCalls().stream().map(LoggedRequest::at).sorted().toList();
        assertThat(bed.apiCalls()).noneMatch(r -> r.status() == 429);
        for (int i = 0; i + 4 < at.size(); i++) {
            assertThat(Duration.between(at.get(i), at.get(i + 4))).as("5 requests within a second from " + at.get(i))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void quotaExceededPausesDeliveryUntilMidnightUtcThenItGoesOn() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T23:59:50Z"));
        bed = Testbed.start(dir, SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(10).withClock(clock),
                Map.of("ccsync.delivery.mode", "single"), Map.<String, Object>of("clock", (Clock) clock));
        bed.resolveNames(); // with the set-up, 3 of today's 10 requests; the 6 contacts need 12

        CompletableFuture<DeliveryReport> report = CompletableFuture.supplyAsync(
                () -> bed.deliver(Testbed.people(1, 6)));

        ApiBudget budget = bed.ccsync.bean("apiBudget", ApiBudget.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> budget.pausedUntil() != null);
        assertThat(budget.pausedUntil()).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
        assertThat(bed.sandbox.requests()).anyMatch(r -> r.status() == 429);
        assertThat(report).isNotDone();
        clock.advance(Duration.ofSeconds(15));

        assertThat(report.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join().created()).isEqualTo(6);
        assertThat(bed.emails()).hasSize(6);
    }
}
