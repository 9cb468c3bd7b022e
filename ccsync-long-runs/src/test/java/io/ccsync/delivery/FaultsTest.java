package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8's faults suite: the sandbox answering 20% of requests with 500/503, dropping connections, losing 5% of
 * answers (the request handled in full, then the connection closed before the response: the contact exists, the
 * import runs, ccsync hears nothing), and another application on the same API key firing bursts that make the real
 * 4/s limit answer {@code throttled} 429s. Every valid record must arrive exactly once (no duplicate contact, no
 * import posted twice: an import whose answer was lost is found and followed, not posted again), every invalid one be
 * rejected with its reason, nothing be dead-lettered, every opted-out person be unsubscribed, ccsync never send more
 * than 4 requests in a second, and a second run of the same input make no API call at all.
 *
 * <p>One run, two sizes: {@link #underAllThreeFaultsEveryValidRecordArrivesExactlyOnce} (600 records, seed 7, in the
 * normal suite) and {@link #fullRun} (50,000 records, a random seed; only with {@code -Dccsync.full=true}, several
 * minutes: {@code reliability/faults}). Every figure can be changed with a system property {@code ccsync.faults.*}
 * (see {@link Plan}); the summary line names the seed, so {@code -Dccsync.faults.seed=N} repeats a run's fault
 * draws (which request meets which draw still depends on timing: ccsync and the burst client run side by side).
 * {@code -Dccsync.faults.summary-file=PATH} also writes the summary line there; {@code -Dccsync.faults.dump=true}
 * prints the sandbox's whole request log after it.
 */
class FaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "ccsync.faults.";
    /** The sandbox keeps this many requests in its log; a run must stay under it for its figures to be whole. */
    private static final int SANDBOX_LOG_KEEPS = 10_000;
    private static final int INVALID_EVERY = 100;

    @TempDir
    Path dir;

    private Testbed bed;
    private BurstClient burst;

    @AfterEach
    void stop() {
        if (burst != null) {
            burst.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    /**
     * What one run does; each default can be overridden by a system property {@code ccsync.faults.<name>}.
     *
     * @param records        {@code records}: how many source records (every 100th an invalid email)
     * @param failRate       {@code fail-rate}: fraction of requests answered 500 or 503
     * @param dropRate       {@code drop-rate}: fraction of requests whose connection is closed unanswered
     * @param lostAnswerRate {@code lost-answer-rate}: fraction of requests handled in full whose answer is lost
     * @param burstEvery     {@code burst-every} (ms): the other client's mean pause between bursts
     * @param burstSize      {@code burst-size}: requests per burst, all at once (0: no other client)
     * @param seed           {@code seed}: the sandbox's fault draws and the burst pauses
     * @param retryAttempts  {@code retry-attempts}: ccsync.delivery.retry.attempts; fewer than the default means
     *                       the run is meant to exhaust retries, so dead letters are allowed (and checked)
     * @param chunk          {@code chunk}: records per call of direct:contacts, as a source would send them
     * @param bulkMaxRecords {@code bulk-max-records}: ccsync.delivery.bulk.max-records (0: the shipped 40,000)
     * @param optOutEvery    {@code opt-out-every}: every n-th record opted out (the single path, unsubscribed)
     * @param unsubscribedInCc how many people are already unsubscribed in Constant Contact (must stay so)
     */
    record Plan(String form, int records, double failRate, double dropRate, double lostAnswerRate,
            Duration burstEvery, int burstSize,
            long seed, int retryAttempts, int chunk, int bulkMaxRecords, int optOutEvery, int unsubscribedInCc,
            Map<String, String> speed) {

        /** The normal suite's: 600 records, seed 7, the test bed's fast polls and backoff. */
        static Plan reduced() {
            return new Plan("reduced", 600, 0.2, 0.07, 0.05, Duration.ofMillis(2_000), 8, 7, 12, 200, 100, 40, 5,
                    Map.of());
        }

        /** 50,000 records as a source sends them (chunks of 1,000, shipped batch size), a random seed. */
        static Plan full() {
            return new Plan("full", 50_000, 0.2, 0.07, 0.05, Duration.ofMillis(3_000), 8,
                    ThreadLocalRandom.current().nextLong(1, 1_000_000), 10, 1_000, 0, 1_000, 20,
                    Map.of("ccsync.delivery.bulk.poll-interval", "500", "ccsync.delivery.retry.delay", "500",
                            "ccsync.delivery.retry.max-delay", "8000"));
        }

        /** This plan with every {@code ccsync.faults.*} system property applied. */
        Plan withSystemProperties() {
            return new Plan(form, Integer.getInteger(PREFIX + "records", records),
                    Double.parseDouble(System.getProperty(PREFIX + "fail-rate", Double.toString(failRate))),
                    Double.parseDouble(System.getProperty(PREFIX + "drop-rate", Double.toString(dropRate))),
                    Double.parseDouble(System.getProperty(PREFIX + "lost-answer-rate",
                            Double.toString(lostAnswerRate))),
                    Duration.ofMillis(Long.getLong(PREFIX + "burst-every", burstEvery.toMillis())),
                    Integer.getInteger(PREFIX + "burst-size", burstSize), Long.getLong(PREFIX + "seed", seed),
                    Integer.getInteger(PREFIX + "retry-attempts", retryAttempts),
                    Integer.getInteger(PREFIX + "chunk", chunk),
                    Integer.getInteger(PREFIX + "bulk-max-records", bulkMaxRecords),
                    Integer.getInteger(PREFIX + "opt-out-every", optOutEvery),
                    Integer.getInteger(PREFIX + "unsubscribed-in-cc", unsubscribedInCc), speed);
        }

        /** Fewer retries than this form's default: the run is meant to run some calls out of retries. */
        boolean exhaustsRetries(Plan defaults) {
            return retryAttempts < defaults.retryAttempts;
        }

        boolean invalid(int i) {
            return i % INVALID_EVERY == 7;
        }

        boolean optedOut(int i) {
            return !invalid(i) && optOutEvery > 0 && i % optOutEvery == 3;
        }

        /** Every 100th record an invalid email, every {@code optOutEvery}-th opted out, the rest plain. */
        List<SourceRecord> input() {
            List<SourceRecord> input = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                input.add(invalid(i) ? Testbed.person(i, "email", "broken-" + i)
                        : optedOut(i) ? Testbed.person(i, "opted_out", "yes") : Testbed.person(i));
            }
            return input;
        }

        /** Records delivered once before the faults start, so the faulty run finds them unchanged. */
        int warmUp() {
            return Math.min(records, Math.max(1, records / 25));
        }

        /** People unsubscribed in Constant Contact whom the CRM does not know as such (plain records). */
        List<Integer> alreadyUnsubscribed() {
            List<Integer> picked = new ArrayList<>();
            int step = Math.max(1, records / Math.max(1, unsubscribedInCc));
            for (int i = 0; picked.size() < unsubscribedInCc && i < records; i += step) {
                int n = i;
                while (n < records && (invalid(n) || optedOut(n))) {
                    n++;
                }
                if (n < records) {
                    picked.add(n);
                }
            }
            return picked;
        }

        Map<String, String> settings() {
            Map<String, String> settings = new LinkedHashMap<>(speed);
            settings.put("ccsync.delivery.retry.attempts", Integer.toString(retryAttempts));
            if (bulkMaxRecords > 0) {
                settings.put("ccsync.delivery.bulk.max-records", Integer.toString(bulkMaxRecords));
            }
            return settings;
        }
    }

    /** Counts Camel's redeliveries: each is one retry of a failed API call. */
    static final class RetryCounter extends EventNotifierSupport {
        final AtomicLong retries = new AtomicLong();

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeRedeliveryEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            retries.incrementAndGet();
        }
    }

    @Test
    void underAllThreeFaultsEveryValidRecordArrivesExactlyOnce() throws Exception {
        run(Plan.reduced().withSystemProperties(), Plan.reduced());
    }

    @Test
    @EnabledIfSystemProperty(named = "ccsync.full", matches = "true")
    void fullRun() throws Exception {
        run(Plan.full().withSystemProperties(), Plan.full());
    }

    private DeliveryReport deliverInChunks(List<SourceRecord> records, int chunk) {
        DeliveryReport total = new DeliveryReport();
        for (int from = 0; from < records.size(); from += chunk) {
            total.merge(bed.deliver(records.subList(from, Math.min(records.size(), from + chunk))));
        }
        return total;
    }

    private void run(Plan plan, Plan defaults) throws Exception {
        RetryCounter retries = new RetryCounter();
        bed = Testbed.start(dir, SandboxOptions.defaults().withSeed(plan.seed()), plan.settings(),
                Map.of("faultsRetryCounter", retries));
        List<SourceRecord> records = plan.input();
        Set<String> valid = new LinkedHashSet<>();
        Set<String> optedOut = new HashSet<>();
        Set<String> invalid = new HashSet<>();
        for (int i = 0; i < plan.records(); i++) {
            String email = "person" + i + "@example.com";
            if (plan.invalid(i)) {
                invalid.add("broken-" + i);
            } else {
                valid.add(email);
            }
            if (plan.optedOut(i)) {
                optedOut.add(email);
            }
        }
        Set<String> unsubscribedInCc = new HashSet<>();
        for (int n : plan.alreadyUnsubscribed()) {
            unsubscribedInCc.add("person" + n + "@example.com");
            bed.post("/contacts", "{\"email_address\":{\"address\":\"person" + n + "@example.com\","
                    + "\"permission_to_send\":\"unsubscribed\"},\"create_source\":\"Contact\"}");
        }
        List<SourceRecord> warmUp = records.subList(0, plan.warmUp());
        DeliveryReport first = deliverInChunks(warmUp, plan.chunk());
        assertThat(first.deadLettered()).isEmpty();
        long warmUpValid = warmUp.stream().filter(r -> valid.contains(r.fields().get("email"))).count();
        long retriesBefore = retries.retries.get();

        burst = BurstClient.start(bed.sandbox, plan.burstEvery(), plan.burstSize(), plan.seed()); // logs in first
        bed.sandbox.setFailRate(plan.failRate());
        bed.sandbox.setDropRate(plan.dropRate());
        bed.sandbox.setLostAnswerRate(plan.lostAnswerRate());
        Instant start = Instant.now();
        DeliveryReport report = deliverInChunks(records, plan.chunk());
        Duration took = Duration.between(start, Instant.now());
        burst.close();
        bed.sandbox.setFailRate(0);
        bed.sandbox.setDropRate(0);
        bed.sandbox.setLostAnswerRate(0);

        // ---- the figures, printed before anything is judged, so a failing run still says what happened ----
        List<LoggedRequest> log = bed.sandbox.requests();
        List<LoggedRequest> ours = log.stream().filter(r -> r.path().startsWith("/v3/"))
                .filter(r -> !BurstClient.isBurst(r)).toList();
        List<LoggedRequest> theirs = log.stream().filter(BurstClient::isBurst).toList();
        List<String> emails = bed.emails();
        Map<String, Integer> count = new HashMap<>();
        emails.forEach(e -> count.merge(e, 1, Integer::sum));
        long duplicates = count.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        // a lost answer keeps its real status in the log, but ccsync never saw it: not counted as a 5xx or 429 met
        long serverErrors = ours.stream().filter(r -> r.status() >= 500 && !r.answerLost()).count();
        long drops = ours.stream().filter(r -> r.status() == 0).count();
        long throttled = ours.stream().filter(r -> r.status() == 429 && !r.answerLost()).count();
        List<LoggedRequest> lost = ours.stream().filter(LoggedRequest::answerLost).toList();
        long lostImports = lost.stream().filter(FaultsTest::importPost).filter(r -> r.status() / 100 == 2).count();
        long lostCreates = lost.stream().filter(r -> r.method().equals("POST") && r.path().equals("/v3/contacts")
                && r.status() == 201).count();
        int maxPerSecond = maxInAnySecond(ours);
        String summary = String.format(Locale.ROOT, "FAULTS %s: records=%d delivered=%d (imported=%d created=%d "
                + "updated=%d) unchanged=%d rejected=%d dead-lettered=%d duplicates=%d | ccsync calls=%d 5xx=%d "
                + "drops=%d lost-answers=%d (imports=%d creates=%d) 429=%d retries=%d max-per-second=%d | other client: "
                + "%d bursts, %d requests, %d got 429 | wall=%ds | seed=%d fail-rate=%s drop-rate=%s "
                + "lost-answer-rate=%s bursts=%dx every ~%dms retry-attempts=%d",
                plan.form(), report.total(), report.delivered(), report.imported(), report.created(),
                report.updated(), report.unchanged(), report.rejected().size(), report.deadLettered().size(),
                duplicates, ours.size(), serverErrors, drops, lost.size(), lostImports, lostCreates, throttled, retries.retries.get() - retriesBefore,
                maxPerSecond, burst.bursts(), theirs.size(), theirs.stream().filter(r -> r.status() == 429).count(),
                took.toSeconds(), plan.seed(), plan.failRate(), plan.dropRate(), plan.lostAnswerRate(), plan.burstSize(),
                plan.burstEvery().toMillis(), plan.retryAttempts());
        System.out.println(summary);
        if (Boolean.getBoolean(PREFIX + "dump")) {
            log.forEach(r -> System.out.println(r.at() + " " + r.status() + (r.answerLost() ? " (answer lost)" : "")
                    + " " + r.method() + " " + r.path()));
        }
        String summaryFile = System.getProperty(PREFIX + "summary-file");
        if (summaryFile != null) {
            Path file = Path.of(summaryFile);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, summary + System.lineSeparator());
        }

        // ---- the judgement ----
        assertThat(log).as("the sandbox's request log keeps %d requests: this run's figures would be incomplete",
                SANDBOX_LOG_KEEPS).hasSizeLessThan(SANDBOX_LOG_KEEPS);
        assertThat(report.total()).isEqualTo(plan.records());
        assertThat(report.rejected()).as("every invalid record rejected, with its reason")
                .hasSize(invalid.size())
                .allSatisfy(p -> {
                    assertThat(p.reason()).contains("FORMAT");
                    assertThat(invalid).contains(p.email());
                });
        assertThat(duplicates).as("no contact twice").isZero();
        if (plan.exhaustsRetries(defaults)) {
            assertThat(bed.ccsync.bean("deadLetters", DeadLetters.class).list())
                    .as("every record given up is kept for ccsync replay")
                    .hasSize(report.deadLettered().size());
        } else {
            assertThat(report.deadLettered()).as("nothing dead-lettered").isEmpty();
            assertThat(report.delivered()).isEqualTo(valid.size() - warmUpValid);
            assertThat(Set.copyOf(emails)).as("every valid record, exactly once").isEqualTo(valid);
        }
        assertThat(report.unchanged()).as("the warm-up's records").isEqualTo(warmUpValid);
        Set<String> unsubscribed = new HashSet<>();
        bed.sandbox.contacts().stream()
                .filter(c -> c.path("email_address").path("permission_to_send").asText().equals("unsubscribed"))
                .forEach(c -> unsubscribed.add(c.path("email_address").path("address").asText()));
        Set<String> shouldBe = new HashSet<>(unsubscribedInCc);
        if (!plan.exhaustsRetries(defaults)) {
            shouldBe.addAll(optedOut);
        }
        assertThat(unsubscribed).as("opted-out people unsubscribed, unsubscribed people never re-subscribed")
                .containsAll(shouldBe);
        assertThat(unsubscribed).as("nobody else unsubscribed").isSubsetOf(union(optedOut, unsubscribedInCc));

        // no import posted twice: one activity per POST the server accepted (its answer seen by ccsync or lost on
        // the way), every one completed, and together they hold each record once. An import whose answer was lost
        // still ran; had ccsync posted its records again instead of finding and following it, they would be in two
        // activities and the sum would be over.
        List<JsonNode> activities = new ArrayList<>();
        inspector("/sandbox/api/activities").path("activities").forEach(activities::add);
        long accepted = ours.stream().filter(FaultsTest::importPost).filter(r -> r.status() / 100 == 2).count();
        assertThat(activities).as("one activity per import POST the server accepted (%d of them with the answer "
                + "lost)", lostImports).hasSize((int) accepted);
        assertThat(activities).allSatisfy(a -> assertThat(a.path("state").asText()).isEqualTo("completed"));
        long imported = activities.stream().mapToLong(a -> a.path("sandbox").path("records_received").asLong())
                .sum();
        if (!plan.exhaustsRetries(defaults)) {
            assertThat(imported).as("each record in exactly one import (%d imports' answers were lost: followed, "
                    + "not posted again)", lostImports).isEqualTo(first.imported() + report.imported());
        }

        assertThat(maxPerSecond).as("ccsync's own requests in any second (the other client's excluded)")
                .isLessThanOrEqualTo(4);
        if (plan.failRate() > 0) {
            assertThat(serverErrors).as("5xx answers met").isPositive();
        }
        if (plan.dropRate() > 0) {
            assertThat(drops).as("dropped connections met").isPositive();
        }
        if (plan.lostAnswerRate() > 0) {
            assertThat(lost).as("lost answers met").isNotEmpty();
        }
        if (plan.burstSize() > 4) {
            assertThat(throttled).as("throttled 429s met because of the other client").isPositive();
        }

        // a second run of the same input: nothing changed, so not one API call
        List<LoggedRequest> before = bed.sandbox.requests();
        DeliveryReport again = deliverInChunks(records, plan.chunk());
        if (!plan.exhaustsRetries(defaults)) {
            assertThat(again.unchanged()).isEqualTo(valid.size());
        }
        assertThat(bed.sandbox.requests()).as("the second run made no API call").isEqualTo(before);
    }

    private static boolean importPost(LoggedRequest r) {
        return r.method().equals("POST") && r.path().startsWith("/v3/activities/contacts_json_import");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** The most requests logged within any one second. */
    static int maxInAnySecond(List<LoggedRequest> requests) {
        List<Instant> at = requests.stream().map(LoggedRequest::at).sorted().toList();
        int max = 0;
        int from = 0;
        for (int to = 0; to < at.size(); to++) {
            while (Duration.between(at.get(from), at.get(to)).compareTo(Duration.ofSeconds(1)) >= 0) {
                from++;
            }
            max = Math.max(max, to - from + 1);
        }
        return max;
    }

    /** The sandbox's inspector JSON (not an API call: not logged, not counted). */
    private JsonNode inspector(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(bed.sandbox.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
