package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * 429s are retried for as long as it takes; they must not use up the retries that
 * {@code ccsync.delivery.retry.attempts} gives a call for server errors and dropped connections (Camel counts every
 * redelivery of a call together).
 */
class ThrottledRetriesTest {
    @TempDir
    Path dir;

    private Testbed bed;
    private BurstClient hog;

    @AfterEach
    void stop() {
        if (hog != null) {
            hog.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private List<LoggedRequest> ours(int status) {
        return bed.apiCalls().stream().filter(r -> !BurstClient.isBurst(r))
                .filter(r -> status == 500 ? r.status() >= 500 : r.status() == status).toList();
    }

    @Test
    void throttledAnswersDoNotUseUpTheRetriesOfServerErrors() throws Exception {
        // a key allowed 1 request a second, and another application on it sending 50 a second: ccsync's tries are
        // answered throttled (one may slip into a freed place now and then; the await below waits for 4 429s)
        bed = Testbed.start(dir, SandboxOptions.defaults().withRateLimit(1).withSeed(3),
                Map.of("ccsync.delivery.mode", "single", "ccsync.delivery.retry.attempts", "2"), Map.of());
        bed.resolveNames();
        hog = BurstClient.start(bed.sandbox, Duration.ZERO, 50, 1);

        CompletableFuture<DeliveryReport> report = CompletableFuture.supplyAsync(
                () -> bed.deliver(List.of(Testbed.person(1))));
        await().atMost(Duration.ofSeconds(30)).until(() -> ours(429).size() >= 4);
        bed.sandbox.setFailRate(1.0); // from now on every request is answered 500 or 503
        hog.close();

        DeliveryReport done = report.get(60, TimeUnit.SECONDS);
        assertThat(done.deadLettered()).hasSize(1);
        assertThat(ours(500)).as("the first server error and retry.attempts (2) retries, whatever came before")
                .hasSize(3);
    }
}
