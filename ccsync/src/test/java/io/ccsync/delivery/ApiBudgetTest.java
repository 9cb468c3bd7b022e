package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.sandbox.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared API budget on its own: requests per second across threads, the daily quota, Constant Contact's 429s. */
class ApiBudgetTest {
    private static final Instant BEFORE_MIDNIGHT = Instant.parse("2030-01-01T23:59:59Z");

    @Test
    void concurrentCallersNeverGetMoreThanFourInAnySecond() throws Exception {
        ApiBudget budget = new ApiBudget(4, 10_000, new MutableClock(BEFORE_MIDNIGHT.minusSeconds(3600)));
        List<Long> granted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        for (int t = 0; t < 6; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 2; i++) {
                    try (ApiBudget.Permit permit = budget.acquire()) {
                        granted.add(System.nanoTime());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        List<Long> times = new ArrayList<>(granted);
        Collections.sort(times);
        assertThat(times).hasSize(12);
        for (int i = 0; i + 4 < times.size(); i++) {
            assertThat(times.get(i + 4) - times.get(i)).as("5 grants within one second")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        }
    }

    @Test
    void theDailyBudgetUsedUpPausesUntilMidnightUtc() throws Exception {
        MutableClock clock = new MutableClock(BEFORE_MIDNIGHT);
        ApiBudget budget = new ApiBudget(4, 2, clock);
        budget.acquire().close();
        budget.acquire().close();

        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                budget.acquire().close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> budget.pausedUntil() != null);
        assertThat(budget.pausedUntil()).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
        assertThat(third).isNotDone();
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(third::isDone);
        assertThat(budget.usedToday()).isEqualTo(1);
    }

    @Test
    void quotaExceededFromTheApiPausesUntilMidnightUtc() {
        ApiBudget budget = new ApiBudget(4, 10_000, new MutableClock(BEFORE_MIDNIGHT.minusSeconds(7200)));

        budget.quotaExceeded(BEFORE_MIDNIGHT.minusSeconds(7300));

        assertThat(budget.pausedUntil()).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
    }

    @Test
    void aLateQuotaAnswerFromYesterdayDoesNotPauseToday() {
        ApiBudget budget = new ApiBudget(4, 10_000, new MutableClock(Instant.parse("2030-01-02T00:00:05Z")));

        budget.quotaExceeded(BEFORE_MIDNIGHT);

        assertThat(budget.pausedUntil()).isNull();
    }

    @Test
    void aRequestStillInFlightKeepsItsPlace() throws Exception {
        ApiBudget budget = new ApiBudget(1, 10_000, new MutableClock(BEFORE_MIDNIGHT.minusSeconds(7200)));
        ApiBudget.Permit slow = budget.acquire();
        CompletableFuture<ApiBudget.Permit> next = CompletableFuture.supplyAsync(() -> {
            try {
                return budget.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().during(Duration.ofMillis(1_300)).atMost(Duration.ofSeconds(3)).until(() -> !next.isDone());
        long answered = System.nanoTime();
        slow.close();

        next.get(5, TimeUnit.SECONDS).close();
        assertThat(System.nanoTime() - answered).isGreaterThanOrEqualTo(Duration.ofMillis(1_000).toNanos());
    }

    @Test
    void throttledHoldsEveryCallerForAMoment() throws Exception {
        ApiBudget budget = new ApiBudget(4, 10_000, new MutableClock(BEFORE_MIDNIGHT.minusSeconds(7200)));
        budget.throttled();
        long start = System.nanoTime();

        budget.acquire().close();

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(900).toNanos());
    }
}
