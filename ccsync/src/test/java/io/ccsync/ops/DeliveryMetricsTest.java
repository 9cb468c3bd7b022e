package io.ccsync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.auth.TokenCache;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import io.ccsync.testing.FreePort;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a known run against the sandbox, /observe/metrics counts the contacts by outcome, the API calls by endpoint
 * and status (failures included) and the limiter waits.
 */
class DeliveryMetricsTest {
    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;
    private int port;

    @AfterEach
    void stop() {
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aKnownRunShowsContactsByOutcomeAndApiCallsByEndpointAndStatus() throws Exception {
        start();

        // names resolved (2 GETs), 2 created one by one (GET + POST each), 1 rejected before any call
        DeliveryReport first = deliver(List.of(person(1), person(2), person(3, "email", "not-an-email")));
        // 1 unchanged (no call), 1 updated (GET + PUT /contacts/{id})
        DeliveryReport second = deliver(List.of(person(1), person(2, "first_name", "Changed")));
        // 12 new: one bulk import (POST, then GET /activities/{id} until it ends)
        DeliveryReport third = deliver(IntStream.range(10, 22).mapToObj(DeliveryMetricsTest::person).toList());
        // every call fails: the GET is tried twice (retry.attempts = 1), then the record is dead-lettered
        sandbox.setFailRate(1.0);
        DeliveryReport fourth = deliver(List.of(person(30)));
        sandbox.setFailRate(0);

        assertThat(first.created()).as(first.summary()).isEqualTo(2);
        assertThat(first.rejected()).hasSize(1);
        assertThat(second.updated()).as(second.summary()).isEqualTo(1);
        assertThat(second.unchanged()).isEqualTo(1);
        assertThat(third.imported()).as(third.summary()).isEqualTo(12);
        assertThat(fourth.deadLettered()).as(fourth.summary()).hasSize(1);

        String metrics = metrics();
        String apiLines = metrics.lines().filter(l -> l.startsWith("ccsync_api_")).reduce("", (a, b) -> a + "\n" + b);
        assertThat(value(metrics, "ccsync_contacts_total{outcome=\"created\"}")).isEqualTo(2);
        assertThat(value(metrics, "ccsync_contacts_total{outcome=\"updated\"}")).isEqualTo(1);
        assertThat(value(metrics, "ccsync_contacts_total{outcome=\"unchanged\"}")).isEqualTo(1);
        assertThat(value(metrics, "ccsync_contacts_total{outcome=\"imported\"}")).isEqualTo(12);
        assertThat(value(metrics, "ccsync_contacts_total{outcome=\"rejected\"}")).isEqualTo(1);
        assertThat(value(metrics, "ccsync_contacts_total{outcome=\"dead_lettered\"}")).isEqualTo(1);

        assertThat(value(metrics, call("/contact_custom_fields", "200"))).as(apiLines).isEqualTo(1);
        assertThat(value(metrics, call("/contact_lists", "200"))).as(apiLines).isEqualTo(1);
        assertThat(value(metrics, call("/contacts", "200"))).as(apiLines).isEqualTo(3);
        assertThat(value(metrics, call("/contacts", "201"))).as(apiLines).isEqualTo(2);
        assertThat(value(metrics, call("/contacts/{id}", "200"))).as(apiLines).isEqualTo(1);
        assertThat(value(metrics, call("/activities/contacts_json_import", "201"))).as(apiLines).isEqualTo(1);
        assertThat(value(metrics, call("/activities/{id}", "200"))).as(apiLines).isGreaterThanOrEqualTo(1);
        assertThat(sum(metrics, "ccsync_api_calls_total\\{endpoint=\"/contacts\",status=\"5\\d\\d\"}"))
                .as("the failed GET and its retry: %s", apiLines).isEqualTo(2);
        assertThat(metrics).doesNotContain("/v1/token").doesNotContain("status=\"none\"");

        long calls = sandbox.requests().stream().filter(r -> r.path().startsWith("/v3/")).count() - 1; // - set-up
        assertThat(sum(metrics, "ccsync_api_calls_total\\{.*}")).as("every API call counted once: %s", apiLines)
                .isEqualTo(calls);
        assertThat(value(metrics, "ccsync_api_limiter_wait_seconds_count")).isEqualTo(calls);
    }

    private void start() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withDailyLimit(1_000_000).withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        port = FreePort.get();
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", Integer.toString(port));
        settings.put("camel.metrics.enabled", "true");
        settings.put("ccsync.db.url", "jdbc:h2:mem:metrics-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("ccsync.delivery.check-names-at-start", "false");
        settings.put("ccsync.delivery.bulk.poll-interval", "50");
        settings.put("ccsync.delivery.retry.attempts", "1");
        settings.put("ccsync.delivery.retry.delay", "50");
        settings.put("ccsync.delivery.retry.max-delay", "100");
        ccsync = RunningCcsync.start(settings, Map.of());
        SandboxFixture.createTheMappingsCustomField(sandbox, ccsync.bean("tokenCache", TokenCache.class).accessToken().value());
    }

    private DeliveryReport deliver(List<SourceRecord> records) {
        return ccsync.template().requestBody("direct:contacts", records, DeliveryReport.class);
    }

    /** A record as the demo CRM columns (the shipped mapping) name them; {@code more}: column, value pairs. */
    private static SourceRecord person(int n, String... more) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("email", "person" + n + "@example.com");
        fields.put("first_name", "First" + n);
        fields.put("last_name", "Last" + n);
        for (int i = 0; i + 1 < more.length; i += 2) {
            fields.put(more[i], more[i + 1]);
        }
        return new SourceRecord("test.csv", "line " + n, fields);
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static String call(String endpoint, String status) {
        return "ccsync_api_calls_total{endpoint=\"" + endpoint + "\",status=\"" + status + "\"}";
    }

    /** The value of one series, 0 when it is not there. */
    private static double value(String metrics, String series) {
        return sum(metrics, Pattern.quote(series));
    }

    /** The sum of the series whose name and labels match {@code regex}. */
    private static double sum(String metrics, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex + " (\\S+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
