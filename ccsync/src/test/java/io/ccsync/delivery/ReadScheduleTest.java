package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.sandbox.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** When an import's status is read: at its expected end, after those queued before it, backing off, within the day's share. */
class ReadScheduleTest {
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(NOW);

    private static BulkBatch batch(int size, String id) {
        List<Item> items = IntStream.range(0, size).mapToObj(i -> BulkBatcherTest.item(i, "n", "General Interest"))
                .toList();
        BulkBatch batch = new BulkBatcher(40_000, 4_000_000).batches(items).get(0);
        batch.posting(NOW);
        batch.activityId(id);
        return batch;
    }

    private static void answer(BulkBatch batch, String state, int percent) throws Exception {
        batch.activity(JSON.readTree("{\"state\":\"" + state + "\",\"percent_done\":" + percent + "}"));
    }

    @Test
    void importsPostedBackToBackAreReadWhenEachShouldBeDoneInTurn() {
        ReadSchedule schedule = new ReadSchedule(clock, 1_000, Duration.ofSeconds(2), Duration.ofMinutes(1), 100);
        BulkBatch first = batch(30_000, "a1");
        BulkBatch second = batch(10_000, "a2");

        schedule.posted(first);
        schedule.posted(second);

        // 30 s, then 3 s later than that (a tenth); the second runs after the first: 40 s, then 1 s (pollInterval/2)
        assertThat(schedule.nextRead(first)).isEqualTo(NOW.plusSeconds(33));
        assertThat(schedule.nextRead(second)).isEqualTo(NOW.plusSeconds(41));
    }

    @Test
    void aReadThatFindsItRunningBacksOffAndALaterImportWaitsForIt() throws Exception {
        ReadSchedule schedule = new ReadSchedule(clock, 1_000, Duration.ofSeconds(2), Duration.ofMinutes(1), 100);
        BulkBatch slow = batch(1_000, "a1");
        schedule.posted(slow);
        clock.set(schedule.nextRead(slow)); // 2 s: still running, 99% (no pace: read at the backoff)
        answer(slow, "processing", 99);
        schedule.read(slow);
        assertThat(schedule.nextRead(slow)).isEqualTo(clock.instant().plusSeconds(2));
        clock.set(schedule.nextRead(slow));
        answer(slow, "processing", 99);
        schedule.read(slow);
        assertThat(schedule.nextRead(slow)).as("doubled").isEqualTo(clock.instant().plusSeconds(4));

        BulkBatch next = batch(5_000, "a2");
        next.posting(NOW.plusSeconds(1));
        schedule.posted(next);
        assertThat(schedule.nextRead(next)).as("after the one seen running, plus its own 5 s")
                .isAfterOrEqualTo(clock.instant().plusSeconds(5));
    }

    @Test
    void readsStopAtTheDaysShareAndGoOnAfterMidnight() throws Exception {
        ReadSchedule schedule = new ReadSchedule(clock, 1_000, Duration.ofSeconds(2), Duration.ofMinutes(1), 2);
        BulkBatch batch = batch(10, "a1");
        schedule.posted(batch);
        for (int i = 0; i < 2; i++) {
            clock.set(schedule.nextRead(batch));
            answer(batch, "processing", 50);
            schedule.read(batch);
        }

        assertThat(schedule.nextRead(batch)).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
    }
}
