package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.delivery.ApiBudget;
import io.ccsync.sandbox.testing.MutableClock;
import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.Postgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The API budget of several nodes counted in one PostgreSQL database (cluster mode), each node an
 * {@link ApiBudget#shared} of its own: the same rules as the single-node budget (ApiBudgetTest), for all together.
 */
class SharedBudgetTest {
    private static final Instant BEFORE_MIDNIGHT = Instant.parse("2030-01-01T23:59:59Z");

    /**
     * {@code count} nodes' budgets on one fresh database, whose schema the nodes create together, as nodes started at
     * the same moment do (Flyway's lock lets one migrate while the others wait).
     */
    private static List<ApiBudget> nodes(int count, int perSecond, int perDay, Clock clock) throws Exception {
        DataSource db = Postgres.database(Postgres.newDatabase());
        ExecutorService starting = Executors.newFixedThreadPool(count);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ApiBudget>> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Cluster cluster = new Cluster(true, "node" + i, () -> db);
            started.add(starting.submit(() -> {
                go.await();
                DatabaseConfiguration.applySchema(db);
                return ApiBudget.shared(perSecond, perDay, clock, cluster::database, cluster.node());
            }));
        }
        go.countDown();
        List<ApiBudget> budgets = new ArrayList<>();
        for (Future<ApiBudget> node : started) {
            budgets.add(node.get(60, TimeUnit.SECONDS));
        }
        starting.shutdown();
        return budgets;
    }

    @Test
    void callersOnThreeNodesNeverGetMoreThanFourInAnySecondTogether() throws Exception {
        List<ApiBudget> nodes = nodes(3, 4, 10_000, new MutableClock(BEFORE_MIDNIGHT.minusSeconds(3600)));
        List<Long> granted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(9);
        for (int t = 0; t < 9; t++) {
            ApiBudget budget = nodes.get(t % 3);
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
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        List<Long> times = new ArrayList<>(granted);
        Collections.sort(times);
        assertThat(times).hasSize(18);
        for (int i = 0; i + 4 < times.size(); i++) {
            assertThat(times.get(i + 4) - times.get(i)).as("5 grants within one second")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        }
        assertThat(nodes.get(2).usedToday()).isEqualTo(18);
    }

    @Test
    void aRequestInFlightOnOneNodeKeepsItsPlaceOnTheOthers() throws Exception {
        List<ApiBudget> nodes = nodes(2, 1, 10_000, new MutableClock(BEFORE_MIDNIGHT.minusSeconds(7200)));
        ApiBudget.Permit slow = nodes.get(0).acquire();
        CompletableFuture<ApiBudget.Permit> next = CompletableFuture.supplyAsync(() -> {
            try {
                return nodes.get(1).acquire();
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
    void theDailyBudgetIsOneForAllNodesAndItsPauseHoldsThemAll() throws Exception {
        MutableClock clock = new MutableClock(BEFORE_MIDNIGHT);
        List<ApiBudget> nodes = nodes(2, 4, 3, clock);
        nodes.get(0).acquire().close();
        nodes.get(1).acquire().close();
        nodes.get(0).acquire().close();

        CompletableFuture<Void> fourth = CompletableFuture.runAsync(() -> {
            try {
                nodes.get(1).acquire().close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.get(0).pausedUntil() != null);
        assertThat(nodes.get(0).pausedUntil()).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
        assertThat(nodes.get(1).pausedUntil()).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !fourth.isDone());
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(fourth::isDone);
        assertThat(nodes.get(0).usedToday()).isEqualTo(1);
    }

    @Test
    void quotaExceededOnOneNodePausesEveryNodeUntilMidnightUtc() throws Exception {
        MutableClock clock = new MutableClock(BEFORE_MIDNIGHT.minusSeconds(5));
        List<ApiBudget> nodes = nodes(3, 4, 10_000, clock);

        nodes.get(0).quotaExceeded(clock.instant());

        for (ApiBudget node : nodes) {
            assertThat(node.pausedUntil()).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
        }
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                nodes.get(2).acquire().close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
        clock.advance(Duration.ofSeconds(6));
        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(nodes.get(1).pausedUntil()).isNull();
    }

    @Test
    void aLateQuotaAnswerFromYesterdayDoesNotPauseToday() throws Exception {
        List<ApiBudget> nodes = nodes(2, 4, 10_000, new MutableClock(Instant.parse("2030-01-02T00:00:05Z")));

        nodes.get(0).quotaExceeded(BEFORE_MIDNIGHT);

        assertThat(nodes.get(1).pausedUntil()).isNull();
    }

    @Test
    void throttledOnOneNodeHoldsTheOthersForAMoment() throws Exception {
        List<ApiBudget> nodes = nodes(2, 4, 10_000, new MutableClock(BEFORE_MIDNIGHT.minusSeconds(7200)));
        nodes.get(1).acquire().close(); // tables in place before timing
        nodes.get(0).throttled();
        long start = System.nanoTime();

        nodes.get(1).acquire().close();

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(900).toNanos());
    }
}
