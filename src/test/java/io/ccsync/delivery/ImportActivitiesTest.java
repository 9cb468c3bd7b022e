package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tracing an import: finding the activity of an unanswered POST, and records against the final status. */
class ImportActivitiesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");

    private final ImportActivities activities = new ImportActivities(new MutableClock(NOW), Duration.ofHours(1));

    private static BulkBatch batch(int size) {
        List<Item> items = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> BulkBatcherTest.item(i, "n", "General Interest")).toList();
        return new BulkBatcher(40_000, 4_000_000).batches(items).get(0);
    }

    private static String activity(String id, String createdAt, int total) {
        return "{\"activity_id\":\"" + id + "\",\"state\":\"processing\",\"created_at\":\"" + createdAt
                + "\",\"status\":{\"items_total_count\":" + total + ",\"list_count\":1}}";
    }

    @Test
    void anUnansweredPostIsRecognisedAmongTheRecentActivitiesAndNeverAdoptedTwice() throws Exception {
        BulkBatch first = batch(3);
        BulkBatch second = batch(3);
        activities.posting(first);
        activities.posting(second);
        String recent = "{\"activities\":[" + activity("other-size", "2030-01-01T10:00:01Z", 5) + ","
                + activity("too-old", "2030-01-01T09:00:00Z", 3) + ","
                + activity("ours", "2030-01-01T10:00:01Z", 3) + "]}";

        activities.adopt(recent, first);
        activities.adopt(recent, second);

        assertThat(first.activityId()).isEqualTo("ours");
        assertThat(second.activityId()).as("not there: post again").isNull();
    }

    @Test
    void errorLinesRejectTheirRecordsAndUncountedRecordsGoToTheDeadLetter() throws Exception {
        BulkBatch batch = batch(4);
        activities.posting(batch);
        activities.posted("{\"activity_id\":\"a1\"}", batch);
        activities.progress("{\"activity_id\":\"a1\",\"state\":\"completed\",\"activity_errors\":"
                + "[\"Line 2: first_name is too long\"],\"status\":{\"items_total_count\":3,"
                + "\"items_completed_count\":3,\"error_count\":1}}", batch);

        activities.confirm(batch);

        assertThat(batch.items()).extracting(Item::outcome).containsExactly(Item.Outcome.IMPORTED,
                Item.Outcome.REJECTED, Item.Outcome.IMPORTED, Item.Outcome.DEAD_LETTERED);
        assertThat(batch.items().get(1).reason()).contains("first_name is too long");
        assertThat(batch.items().get(3).reason()).contains("counted only 3 of 4");
    }

    @Test
    void aFailedActivityDeadLettersEveryRecord() throws Exception {
        BulkBatch batch = batch(2);
        activities.posting(batch);
        activities.posted("{\"activity_id\":\"a2\"}", batch);
        activities.progress("{\"activity_id\":\"a2\",\"state\":\"failed\",\"activity_errors\":[\"boom\"]}", batch);

        activities.confirm(batch);

        assertThat(batch.items()).allSatisfy(i -> assertThat(i.reason()).contains("ended failed"));
    }
}
