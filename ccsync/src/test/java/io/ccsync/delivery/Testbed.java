package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import io.ccsync.auth.TokenCache;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/** A sandbox and a ccsync (shipped config and routes) pointed at it, with a private database and fast settings. */
final class Testbed implements AutoCloseable {
    final Sandbox sandbox;
    final RunningCcsync ccsync;
    /** The overrides ccsync started with, for a second runtime on the same sandbox and database (replay). */
    final Map<String, String> settings;

    private Testbed(Sandbox sandbox, RunningCcsync ccsync, Map<String, String> settings) {
        this.sandbox = sandbox;
        this.ccsync = ccsync;
        this.settings = Map.copyOf(settings);
    }

    /**
     * Starts both, with the demo's mapping (a custom field too); the sandbox gets that field so the mapping resolves. Its imports are done
     * at once (and ccsync expects them so) unless {@code options} set an import rate.
     */
    static Testbed start(Path dir, SandboxOptions options, Map<String, String> overrides, Map<String, Object> beans) {
        boolean instant = options.importRate() == SandboxOptions.defaults().importRate();
        Sandbox sandbox = Sandbox.start(options.withPort(0).withAutoApprove(true)
                .withImportStepDelay(java.time.Duration.ofMillis(5))
                .withImportRate(instant ? 1_000_000 : options.importRate()));
        Path tokens = dir.resolve("tokens.json");
        String accessToken = SandboxFixture.authorize(sandbox, tokens).read().accessToken();
        // A CRM poll fires as ccsync starts and must not meet the field missing (the mapping gate would pause it until
        // its next poll): the field comes first then. Otherwise it is made through ccsync's budget once ccsync runs, so
        // that it counts against the same 4/s as ccsync's own calls.
        boolean pollsAtStart = "true".equals(overrides.get("ccsync.crm.enabled"));
        if (pollsAtStart) {
            SandboxFixture.createTheMappingsCustomField(sandbox, accessToken);
        }
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        settings.put("ccsync.db.url", "jdbc:h2:mem:delivery-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("ccsync.delivery.check-names-at-start", "false");
        settings.put("ccsync.delivery.mapping-file", "config/mapping-demo.yaml");
        settings.put("ccsync.delivery.bulk.poll-interval", "50");
        settings.put("ccsync.delivery.bulk.expected-rate", Integer.toString(sandbox.options().importRate()));
        settings.put("ccsync.delivery.retry.delay", "50");
        settings.put("ccsync.delivery.retry.max-delay", "400");
        settings.put("ccsync.inbox.enabled", "false");
        settings.put("ccsync.crm.enabled", "false");
        settings.putAll(overrides);
        RunningCcsync ccsync = RunningCcsync.start(settings, beans);
        Testbed bed = new Testbed(sandbox, ccsync, settings);
        if (!pollsAtStart) {
            bed.post("/contact_custom_fields", "{\"label\":\"favourite_colour\",\"type\":\"string\"}");
        }
        return bed;
    }

    static Testbed start(Path dir, Map<String, String> overrides) {
        return start(dir, SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(1_000_000), overrides,
                Map.of());
    }

    /** Reads the account's names now (so a test can break the sandbox afterwards). */
    void resolveNames() {
        ccsync.bean("apiNames", ApiNames.class).resolve();
    }

    /** Emails in the sandbox, each once per contact (a duplicate shows twice). */
    List<String> emails() {
        return sandbox.contacts().stream().map(c -> c.path("email_address").path("address").asText()).toList();
    }

    DeliveryReport deliver(List<SourceRecord> records) {
        return ccsync.template().requestBody("direct:contacts", records, DeliveryReport.class);
    }

    DeliveryReport deliver(List<SourceRecord> records, boolean signUp) {
        return ccsync.template().requestBodyAndHeader("direct:contacts", records, "CcsyncSignUp",
                Boolean.toString(signUp), DeliveryReport.class);
    }

    /** A direct API call outside ccsync (test set-up), with ccsync's current token. */
    String post(String path, String json) {
        return call("POST", path, json);
    }

    /** Through ccsync's API budget, so the test's own calls count against the same 4/s. */
    String call(String method, String path, String json) {
        try (ApiBudget.Permit permit = ccsync.bean("apiBudget", ApiBudget.class).acquire()) {
            return send(method, path, json);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String send(String method, String path, String json) {
        String token = ccsync.bean("tokenCache", TokenCache.class).accessToken().value();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.apiUrl() + path))
                .header("Authorization", "Bearer " + token);
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " "
                        + response.body());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Requests to the contact endpoints (not lists, fields or activities). */
    List<LoggedRequest> contactCalls() {
        return sandbox.requests().stream().filter(r -> r.path().startsWith("/v3/contacts")).toList();
    }

    List<LoggedRequest> apiCalls() {
        return sandbox.requests().stream().filter(r -> r.path().startsWith("/v3/")).toList();
    }

    /** A record as the demo CRM columns (the shipped mapping) name them. */
    static SourceRecord person(int n, String... more) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("email", "person" + n + "@example.com");
        fields.put("first_name", "First" + n);
        fields.put("last_name", "Last" + n);
        fields.put("company", "Company " + n);
        for (int i = 0; i + 1 < more.length; i += 2) {
            if (more[i + 1] == null) {
                fields.remove(more[i]);
            } else {
                fields.put(more[i], more[i + 1]);
            }
        }
        return new SourceRecord("test.csv", "line " + n, fields);
    }

    static List<SourceRecord> people(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(Testbed::person).toList();
    }

    @Override
    public void close() {
        ccsync.close();
        sandbox.close();
    }
}
