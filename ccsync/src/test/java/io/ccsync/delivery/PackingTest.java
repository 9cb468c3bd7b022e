package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.SandboxOptions;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ccsync.contract.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls a file costs, end to end through the inbox, against a sandbox that imports at a set rate, one import at a
 * time, as Constant Contact does: the records a file needs to send are packed into as few imports as the limits allow
 * across its read chunks, and each import's status is read when it should be done, not every few seconds.
 */
class PackingTest {
    /** Records a second the sandbox imports (and ccsync is told to expect at first). */
    private static final int RATE = 2_000;
    private static final int ROWS = 1_000;

    @TempDir
    Path dir;

    private Testbed bed;
    private int mark;

    private final ListAppender<ILoggingEvent> progressLog = new ListAppender<>();
    private final Logger progressLogger = (Logger) LoggerFactory.getLogger(Progress.class);

    @BeforeEach
    void listen() {
        progressLog.start();
        progressLogger.addAppender(progressLog);
    }

    @AfterEach
    void stop() {
        progressLogger.detachAppender(progressLog);
        if (bed != null) {
            bed.close();
        }
    }

    private List<String> progressLines() {
        synchronized (progressLog) {
            return progressLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private void start(Map<String, String> more) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ccsync.inbox.enabled", "true");
        settings.put("ccsync.inbox.dir", dir.resolve("inbox").toString());
        settings.put("ccsync.inbox.poll-delay", "100");
        settings.put("ccsync.inbox.min-age", "200");
        settings.put("ccsync.source.chunk-size", "100"); // ten read chunks per file
        settings.put("ccsync.delivery.bulk.poll-interval", "500");
        settings.put("ccsync.delivery.bulk.expected-rate", Integer.toString(RATE));
        settings.put("ccsync.progress.interval", "1"); // a millisecond: a progress line at every step
        settings.putAll(more);
        bed = Testbed.start(dir, SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(1_000_000)
                .withImportRate(RATE), settings, Map.of());
        bed.resolveNames();
        mark = bed.sandbox.requests().size();
    }

    @Test
    void aDeltaSpreadOverManyReadChunksMakesOneImportAndOneStatusRead() throws Exception {
        start(Map.of());
        drop("initial.csv", 0);
        Map<String, Integer> initial = callsSinceMark();
        // every 50th row changed: two in each read chunk of 100, fewer than single-below (10) in any one of them
        drop("delta.csv", 50);
        Map<String, Integer> delta = callsSinceMark();

        assertThat(initial).as("1,000 records, 10 chunks: one import, read once when done")
                .containsEntry("import", 1).containsEntry("status read", 1).hasSize(2);
        assertThat(delta).as("20 changed records over 10 chunks: one import, one read")
                .containsEntry("import", 1).containsEntry("status read", 1).hasSize(2);
        assertThat(bed.sandbox.contact("person49@example.com").path("job_title").asText()).isEqualTo("Changed");
        assertThat(progressLines()).as("the progress line says what the file waits for, and till when")
                .anyMatch(l -> l.matches("initial\\.csv: \\d+ records .*; waiting for import of 1000 records \\(activity "
                        + "[0-9a-f-]+\\) expected done (now|in about \\d+s)"));
        assertThat(bed.emails()).hasSize(ROWS).doesNotHaveDuplicates();
    }

    @Test
    void recordsFillEachImportToTheByteLimitAcrossChunks() throws Exception {
        // about 130 bytes a record: some 230 per import, so the 1,000 records of 10 chunks need 5
        start(Map.of("ccsync.delivery.bulk.max-bytes", "30000"));

        drop("initial.csv", 0);
        Map<String, Integer> calls = callsSinceMark();

        List<ObjectNode> imports = bed.sandbox.activities();
        long bytes = imports.stream().mapToLong(a -> a.path("sandbox").path("body_bytes").asLong()).sum();
        assertThat(imports).hasSize((int) Math.ceil(bytes / 30_000.0));
        assertThat(imports).allSatisfy(a -> assertThat(a.path("sandbox").path("body_bytes").asLong()).isLessThan(30_000));
        assertThat(imports.stream().mapToInt(a -> a.path("status").path("items_total_count").asInt()).sum())
                .isEqualTo(ROWS);
        assertThat(calls.get("import")).isEqualTo(imports.size());
        assertThat(calls.get("status read")).as("about one read per import").isLessThanOrEqualTo(imports.size() + 1);
        assertThat(bed.emails()).hasSize(ROWS).doesNotHaveDuplicates();
    }

    @Test
    void anImportSlowerThanExpectedIsReadAgainWithBackOffAndTheNextOneAtTheRateItShowed() throws Exception {
        // ccsync expects 50,000 records/s; the sandbox does 2,000: 8,000 records take 4 s, not 160 ms
        start(Map.of("ccsync.delivery.bulk.expected-rate", "50000", "ccsync.delivery.bulk.poll-interval", "500"));

        drop("first.csv", 0, 8_000);
        Map<String, Integer> first = callsSinceMark();
        drop("second.csv", 1, 8_000);
        Map<String, Integer> second = callsSinceMark();

        // 4 s of work: found running at about 0.4 s, then read again after 0.5 s, 1 s, 2 s…: not every 500 ms (8)
        assertThat(first.get("status read")).as("backing off").isBetween(2, 6);
        assertThat(bed.ccsync.bean("importActivities", ImportActivities.class).schedule().rate())
                .as("the rate the import showed").isBetween(1_000.0, 4_000.0);
        assertThat(second.get("status read")).as("the rate learnt: read when done").isLessThanOrEqualTo(2);
    }

    @Test
    void aCrmPollIsPackedAcrossItsChunksAndItsWatermarkWaitsForTheImport() throws Exception {
        // the demo CRM's 20 people in chunks of 5; the sandbox takes 20 records a second: the import runs a second
        bed = Testbed.start(dir, SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(1_000_000)
                .withImportRate(20), Map.of("ccsync.crm.enabled", "true", "ccsync.crm.poll-delay", "60000",
                "ccsync.crm.url", "jdbc:h2:mem:crm-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "ccsync.source.chunk-size", "5", "ccsync.delivery.bulk.expected-rate", "20"), Map.of());
        io.ccsync.source.Watermarks watermarks = bed.ccsync.bean("sourceWatermarks", io.ccsync.source.Watermarks.class);

        await().atMost(Duration.ofSeconds(30)).until(() -> bed.sandbox.requests().stream()
                .anyMatch(r -> r.path().startsWith("/v3/activities/contacts_json_import")));
        assertThat(watermarks.read("crm")).as("posted, not confirmed: the watermark has not moved")
                .isEqualTo(io.ccsync.source.Watermark.START);
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.sandbox.contactCount() == 20
                && !watermarks.read("crm").equals(io.ccsync.source.Watermark.START));

        Map<String, Integer> calls = callsSinceMark();
        assertThat(calls).as("four chunks, one import").containsEntry("import", 1);
        assertThat(calls.get("status read")).isLessThanOrEqualTo(2);
        assertThat(watermarks.read("crm").id()).isEqualTo("20");
    }

    /** Writes {@code rows} people (a job title changed on every {@code changeEvery}th) and drops it into the inbox. */
    private void drop(String name, int changeEvery) throws Exception {
        drop(name, changeEvery, ROWS);
    }

    private void drop(String name, int changeEvery, int rows) throws Exception {
        Path tmp = dir.resolve(name);
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write("email,first_name,last_name,company,job_title\n");
            for (int i = 0; i < rows; i++) {
                boolean changed = changeEvery > 0 && i % changeEvery == changeEvery - 1;
                out.write("person" + i + "@example.com,First" + i + ",Last" + i + ",Company " + i + ","
                        + (changed ? "Changed" : "Clerk") + "\n");
            }
        }
        Files.createDirectories(dir.resolve("inbox"));
        Files.move(tmp, dir.resolve("inbox").resolve(name));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> done(name));
    }

    private boolean done(String name) throws IOException {
        Path done = dir.resolve("inbox/done");
        if (!Files.isDirectory(done)) {
            return false;
        }
        try (var files = Files.list(done)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(name + ".report.txt"));
        }
    }

    /** ccsync's API calls by kind since the last call of this method. */
    private Map<String, Integer> callsSinceMark() {
        List<LoggedRequest> all = bed.sandbox.requests();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (LoggedRequest r : all.subList(mark, all.size())) {
            if (!r.path().startsWith("/v3/")) {
                continue;
            }
            String kind = r.path().startsWith("/v3/activities/contacts_json_import") ? "import"
                    : r.path().startsWith("/v3/activities/") ? "status read" : r.method() + " " + r.path();
            kinds.merge(kind, 1, Integer::sum);
        }
        mark = all.size();
        return kinds;
    }
}
