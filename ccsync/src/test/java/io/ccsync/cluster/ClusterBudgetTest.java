package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.auth.TokenCache;
import io.ccsync.delivery.ApiBudget;
import io.ccsync.delivery.ApiNames;
import io.ccsync.delivery.DeadLetters;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import io.ccsync.sandbox.testing.MutableClock;
import io.ccsync.testing.Postgres;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three ccsync nodes in cluster mode delivering at the same time to the sandbox, which enforces Constant Contact's
 * limits for the one API key (4 requests in any second, answering 429 throttled beyond; a daily quota, 429
 * quota_exceeded beyond): the budget in the shared PostgreSQL keeps all three within them together.
 */
class ClusterBudgetTest {

    @TempDir
    Path dir;

    private Sandbox sandbox;
    private final List<RunningCcsync> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(RunningCcsync::close);
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** The sandbox, and three nodes on one database, each with its own authorization (file token store). */
    private void start(SandboxOptions options, Map<String, String> extra, Clock clock) {
        sandbox = Sandbox.start(options.withPort(0).withAutoApprove(true)
                .withImportStepDelay(Duration.ofMillis(5)));
        String db = Postgres.newDatabase();
        for (String name : List.of("a", "b", "c")) {
            Path tokens = dir.resolve("tokens-" + name + ".json");
            SandboxFixture.authorize(sandbox, tokens);
            Map<String, String> settings = ClusterNodes.settings(db, dir);
            settings.putAll(SandboxFixture.settings(sandbox, tokens));
            settings.put("ccsync.delivery.mode", "single");
            settings.put("ccsync.delivery.retry.delay", "50");
            settings.put("ccsync.delivery.retry.max-delay", "400");
            settings.putAll(extra);
            Map<String, Object> beans = clock == null ? Map.of() : Map.of("clock", clock);
            nodes.add(RunningCcsync.start(settings, beans));
        }
        // the shipped mapping's custom field, created through node a's budget so that it counts like any call
        try (ApiBudget.Permit permit = nodes.get(0).bean("apiBudget", ApiBudget.class).acquire()) {
            post(nodes.get(0), "/contact_custom_fields", "{\"label\":\"favourite_colour\",\"type\":\"string\"}");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void threeNodesTogetherNeverStartMoreThanFourRequestsInAnySecond() {
        start(SandboxOptions.defaults(), Map.of(), null);

        List<CompletableFuture<DeliveryReport>> deliveries = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            RunningCcsync node = nodes.get(n);
            int from = 100 * (n + 1);
            for (int t = 0; t < 2; t++) { // two callers on each node
                int first = from + 5 * t;
                deliveries.add(CompletableFuture.supplyAsync(() -> deliver(node, people(first, 5))));
            }
        }
        long created = deliveries.stream().mapToLong(d -> d.orTimeout(3, TimeUnit.MINUTES).join().created()).sum();

        assertThat(created).isEqualTo(30);
        List<LoggedRequest> calls = apiCalls();
        assertThat(calls).as("429 answers (throttled or quota_exceeded)").noneMatch(r -> r.status() == 429);
        List<Instant> at = calls.stream().map(LoggedRequest::at).sorted().toList();
        for (int i = 0; i + 4 < at.size(); i++) {
            assertThat(Duration.between(at.get(i), at.get(i + 4))).as("5 requests within a second from " + at.get(i))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(nodes.get(1).bean("apiBudget", ApiBudget.class).usedToday()).isEqualTo(calls.size());
        System.out.printf("cluster budget: %d API calls from 3 nodes, 0 answered 429; busiest second: %d%n",
                calls.size(), busiestSecond(at));
    }

    @Test
    void theDailyBudgetIsSpentByAllNodesTogetherAndNoneGoesOver() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T23:59:30Z"));
        start(SandboxOptions.defaults().withClock(clock), Map.of("ccsync.delivery.rate.per-day", "14"), clock);

        List<CompletableFuture<DeliveryReport>> deliveries = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            RunningCcsync node = nodes.get(n);
            int from = 100 * (n + 1);
            deliveries.add(CompletableFuture.supplyAsync(() -> deliver(node, people(from, 3))));
        }
        Instant midnight = Instant.parse("2030-01-02T00:00:00Z");
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().allMatch(
                n -> midnight.equals(n.bean("apiBudget", ApiBudget.class).pausedUntil())));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> apiCalls().size() == 14);
        assertThat(deliveries).noneMatch(CompletableFuture::isDone);

        clock.advance(Duration.ofSeconds(45)); // the new UTC day
        long created = deliveries.stream().mapToLong(d -> d.orTimeout(1, TimeUnit.MINUTES).join().created()).sum();

        assertThat(created).isEqualTo(9);
        assertThat(apiCalls()).as("429 answers (quota_exceeded or throttled)").noneMatch(r -> r.status() == 429);
        System.out.printf("cluster daily budget: 14 calls on the first day by 3 nodes together, %d on the next%n",
                apiCalls().size() - 14);
    }

    @Test
    void quotaExceededAnsweredToOneNodePausesEveryNode() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T23:59:30Z"));
        // the API key's quota is smaller than ccsync's per-day: something else spent the rest of it. 25 calls in all
        // (1 set-up, 2 per node for the mapping's names, 2 per contact): 14 today, the other 11 tomorrow
        start(SandboxOptions.defaults().withClock(clock).withDailyLimit(14), Map.of(), clock);

        List<CompletableFuture<DeliveryReport>> deliveries = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            RunningCcsync node = nodes.get(n);
            int from = 100 * (n + 1);
            deliveries.add(CompletableFuture.supplyAsync(() -> deliver(node, people(from, 3))));
        }
        Instant midnight = Instant.parse("2030-01-02T00:00:00Z");
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().allMatch(
                n -> midnight.equals(n.bean("apiBudget", ApiBudget.class).pausedUntil())));
        long refused = apiCalls().stream().filter(r -> r.status() == 429).count();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> apiCalls().stream().filter(r -> r.status() == 429).count() == refused);
        // only requests let through before the first quota_exceeded came back can meet the closed quota
        assertThat(refused).isBetween(1L, 4L);
        assertThat(deliveries).noneMatch(CompletableFuture::isDone);

        clock.advance(Duration.ofSeconds(45));
        long created = deliveries.stream().mapToLong(d -> d.orTimeout(1, TimeUnit.MINUTES).join().created()).sum();

        assertThat(created).isEqualTo(9);
        System.out.printf("cluster quota pause: %d requests met the spent quota, then all 3 nodes paused%n", refused);
    }

    @Test
    void fingerprintsAndDeadLettersAreTheClustersNotANodes() throws Exception {
        start(SandboxOptions.defaults(), Map.of("ccsync.delivery.retry.attempts", "1"), null);

        assertThat(deliver(nodes.get(0), people(1, 3)).created()).isEqualTo(3);
        long contactCalls = contactCalls();
        DeliveryReport again = deliver(nodes.get(1), people(1, 3));
        assertThat(again.unchanged()).as("node a's fingerprints, seen by node b").isEqualTo(3);
        assertThat(contactCalls()).as("calls about contacts (node b reads the account's names once)")
                .isEqualTo(contactCalls);

        nodes.get(2).bean("apiNames", ApiNames.class).resolve(); // the account's names, while the API answers
        sandbox.setFailRate(1.0);
        assertThat(deliver(nodes.get(2), people(50, 2)).deadLettered()).hasSize(2);
        sandbox.setFailRate(0);
        assertThat(nodes.get(0).bean("deadLetters", DeadLetters.class).list()).as("node c's dead letter, from node a")
                .extracting(l -> l.record().fields().get("email"))
                .containsExactlyInAnyOrder("person50@example.com", "person51@example.com");
        DeliveryReport replayed = nodes.get(1).bean("deadLetters", DeadLetters.class).replay(nodes.get(1).template(),
                10);
        assertThat(replayed.created()).isEqualTo(2);
        assertThat(nodes.get(2).bean("deadLetters", DeadLetters.class).list()).isEmpty();
    }

    private long contactCalls() {
        return apiCalls().stream().filter(r -> r.path().startsWith("/v3/contacts")).count();
    }

    private List<LoggedRequest> apiCalls() {
        return sandbox.requests().stream().filter(r -> r.path().startsWith("/v3/")).toList();
    }

    private static long busiestSecond(List<Instant> at) {
        long most = 0;
        for (int i = 0; i < at.size(); i++) {
            Instant start = at.get(i);
            most = Math.max(most, at.stream().filter(t -> !t.isBefore(start) && t.isBefore(start.plusSeconds(1)))
                    .count());
        }
        return most;
    }

    private static DeliveryReport deliver(RunningCcsync node, List<SourceRecord> records) {
        return node.template().requestBody("direct:contacts", records, DeliveryReport.class);
    }

    private static List<SourceRecord> people(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(n -> {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("email", "person" + n + "@example.com");
            fields.put("first_name", "First" + n);
            fields.put("last_name", "Last" + n);
            return new SourceRecord("test.csv", "line " + n, fields);
        }).toList();
    }

    private void post(RunningCcsync node, String path, String json) {
        String token = node.bean("tokenCache", TokenCache.class).accessToken().value();
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.apiUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
