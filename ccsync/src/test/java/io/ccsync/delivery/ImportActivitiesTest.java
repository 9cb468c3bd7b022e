package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.sandbox.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tracing an import: finding the activity of an unanswered POST, and records against the final status. */
class ImportActivitiesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");

    /** ccsyncDb as every node shares it: delivery_import_post lives there. */
    private final DataSource db = database();
    private final ImportActivities activities = node();

    /** H2 here; PostgreSQL, the cluster's database, in {@link ImportActivitiesPostgresTest}. */
    DataSource database() {
        HikariDataSource db = DatabaseConfiguration.pool("import-activities-test",
                "jdbc:h2:mem:imports-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        try {
            DatabaseConfiguration.applySchema(db);
        } catch (Exception e) {
            db.close();
            throw new IllegalStateException(e);
        }
        return db;
    }

    /** One ccsync process on the shared database (another node, or the same one after a restart). */
    private ImportActivities node() {
        return new ImportActivities(new MutableClock(NOW), Duration.ofHours(1), () -> db);
    }

    @AfterEach
    void close() {
        if (db instanceof HikariDataSource pool) {
            pool.close();
        }
    }

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
        String recent = "{\"activities\":[" + activity("other-size", "2030-01-01T10:00:01Z", 5) + ","
                + activity("too-old", "2030-01-01T09:00:00Z", 3) + ","
                + activity("ours", "2030-01-01T10:00:01Z", 3) + "]}";

        activities.adopt(recent, first);
        activities.posting(second);
        activities.adopt(recent, second);

        assertThat(first.activityId()).isEqualTo("ours");
        assertThat(second.activityId()).as("not there: post again").isNull();
    }

    @Test
    void anActivityAnotherNodeOrAnEarlierRunPostedIsNeverAdopted() throws Exception {
        BulkBatch theirs = batch(3);
        node().posting(theirs); // another node (or this one before a restart): answered, so its activity is known
        node().posted("{\"activity_id\":\"theirs\"}", theirs);
        BulkBatch ours = batch(3);
        activities.posting(ours);

        activities.adopt("{\"activities\":[" + activity("theirs", "2030-01-01T10:00:01Z", 3) + "]}", ours);

        assertThat(ours.activityId()).as("the only match belongs to another ccsync request: post again").isNull();
    }

    @Test
    void twoMatchesNobodyOwnsAreAmbiguousAndNeitherIsAdoptedLater() throws Exception {
        BulkBatch ours = batch(3);
        activities.posting(ours);
        String recent = "{\"activities\":[" + activity("other-client", "2030-01-01T10:00:01Z", 3) + ","
                + activity("maybe-ours", "2030-01-01T10:00:02Z", 3) + "]}";

        activities.adopt(recent, ours);

        assertThat(ours.activityId()).as("another client posted an import of the same size: post again").isNull();
        BulkBatch later = batch(3);
        node().posting(later);
        node().adopt(recent, later);
        assertThat(later.activityId()).as("fenced: a lost import of ours may be among them").isNull();
    }

    @Test
    void aMatchIsNotAdoptedWhileAnotherRequestOfTheSameSizeWaitsForItsAnswer() throws Exception {
        BulkBatch other = batch(3);
        node().posting(other); // posted by another node, no answer yet
        BulkBatch ours = batch(3);
        activities.posting(ours);

        activities.adopt("{\"activities\":[" + activity("whose", "2030-01-01T10:00:01Z", 3) + "]}", ours);

        assertThat(ours.activityId()).isNull();
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
