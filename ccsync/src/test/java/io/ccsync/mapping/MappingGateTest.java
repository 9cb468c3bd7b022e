package io.ccsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.FreePort;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A mapping that names a custom field a fresh account lacks (the demo's favourite_colour), against the sandbox over
 * HTTP with the shipped routes: the sources pause with one log line and health DOWN naming the field, the dropped
 * file waits in the inbox; creating the field in the account, or saving a mapping without it, resumes delivery by
 * itself; and with ccsync.mapping.create-missing=true the field is created and the file delivered at once.
 */
class MappingGateTest {
    private static final String CSV = "email,first_name,favourite_colour\n"
            + "ann@example.com,Ann,green\nbob@example.com,Bob,blue\n";

    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;
    private String accessToken;
    private int port;
    private Path mapping;
    private Path inbox;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        log.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withImportStepDelay(Duration.ofMillis(5)));
        accessToken = SandboxFixture.authorize(sandbox, dir.resolve("tokens.json")).read().accessToken();
        mapping = dir.resolve("mapping.yaml");
        Files.copy(Path.of("config/mapping-demo.yaml"), mapping);
        inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("people.csv"), CSV);
        Files.setLastModifiedTime(inbox.resolve("people.csv"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private void startCcsync(Map<String, String> extra) throws Exception {
        startCcsync(extra, Map.of());
    }

    private void startCcsync(Map<String, String> extra, Map<String, Object> beans) throws Exception {
        port = FreePort.get();
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        settings.put("ccsync.db.url", "jdbc:h2:mem:gate-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", Integer.toString(port));
        settings.put("ccsync.delivery.mapping-file", mapping.toString());
        settings.put("ccsync.inbox.enabled", "true");
        settings.put("ccsync.inbox.dir", inbox.toString());
        settings.put("ccsync.inbox.poll-delay", "100");
        settings.put("ccsync.inbox.min-age", "100");
        settings.put("ccsync.mapping.check-interval", "100");
        settings.put("ccsync.mapping.recheck-interval", "500ms");
        settings.put("ccsync.delivery.bulk.poll-interval", "50");
        settings.putAll(extra);
        ccsync = RunningCcsync.start(settings, beans);
    }

    private JsonNode mappingCheck() throws Exception {
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health?data=true"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            // a health request that does not answer is a finding of its own: say where every thread stands
            StringBuilder dump = new StringBuilder("/observe/health did not answer in 5 s; threads:\n");
            Thread.getAllStackTraces().forEach((t, stack) -> {
                dump.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                    dump.append("    at ").append(frame).append('\n');
                }
            });
            System.err.println(dump);
            throw new AssertionError("/observe/health did not answer in 5 s", e);
        }
        for (JsonNode check : new ObjectMapper().readTree(answer.body()).path("checks")) {
            if (check.path("name").asText().equals("ccsync-mapping")) {
                return check;
            }
        }
        throw new AssertionError("no ccsync-mapping check in " + answer.body());
    }

    /** Paused: health DOWN naming the field and the fix, the file untouched in the inbox, nothing sent, one line. */
    private void assertPausedOnTheMissingField() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(mappingCheck().path("status").asText()).isEqualTo("DOWN"));
        JsonNode check = mappingCheck();
        assertThat(check.path("message").asText()).contains("custom field 'favourite_colour'")
                .contains("custom_fields.favourite_colour").contains("Contacts > Custom fields")
                .contains("ccsync.mapping.create-missing=true");
        assertThat(check.path("data").path("mapping.missing").asText()).contains("favourite_colour");
        // many inbox polls and gate rechecks later, still untouched and still one line
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                Files.exists(inbox.resolve("people.csv")) && !Files.exists(inbox.resolve("done"))
                        && !Files.exists(inbox.resolve("error")) && sandbox.contacts().isEmpty());
        List<ILoggingEvent> told = log.list.stream()
                .filter(e -> e.getFormattedMessage().contains("favourite_colour")).toList();
        assertThat(told).as("log lines about the missing field").hasSize(1);
        assertThat(told.get(0).getThrowableProxy()).isNull();
        assertThat(log.list).noneMatch(e -> e.getThrowableProxy() != null);
    }

    private void assertDelivered() {
        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.contacts().size() == 2
                && !Files.exists(inbox.resolve("people.csv")));
        assertThat(inbox.resolve("done")).isDirectory();
    }

    @Test
    void aFieldTheAccountLacksPausesTheSourcesUntilItIsCreatedThere() throws Exception {
        startCcsync(Map.of());
        assertPausedOnTheMissingField();

        SandboxFixture.createTheMappingsCustomField(sandbox, accessToken); // as the account's owner would

        assertDelivered();
        assertThat(sandbox.contact("ann@example.com").path("custom_fields").get(0).path("value").asText())
                .isEqualTo("green");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(mappingCheck().path("status").asText()).isEqualTo("UP"));
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage().contains("the sources resume"));
    }

    @Test
    void savingTheMappingWithoutTheFieldResumesWithoutARestart() throws Exception {
        startCcsync(Map.of());
        assertPausedOnTheMissingField();

        Files.writeString(mapping, Files.readString(Path.of("config/mapping.yaml")));

        assertDelivered();
        assertThat(sandbox.contact("ann@example.com").path("custom_fields")).isEmpty();
        assertThat(mappingCheck().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void createMissingCreatesTheFieldAndDeliversAtOnce() throws Exception {
        startCcsync(Map.of("ccsync.mapping.create-missing", "true"));

        assertDelivered();
        assertThat(sandbox.contact("bob@example.com").path("custom_fields").get(0).path("value").asText())
                .isEqualTo("blue");
        assertThat(mappingCheck().path("status").asText()).isEqualTo("UP");
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage()
                .contains("Created the custom field 'favourite_colour' in Constant Contact"));
    }

    /**
     * The first name check is made once ccsync has started; a start that takes longer than the inbox's first poll
     * (a busy machine: here a start step held 3 s) must still not let that poll take the file before the check.
     */
    @Test
    void aSlowStartLetsNoFileThroughBeforeTheFirstCheck() throws Exception {
        startCcsync(Map.of(), Map.of("slowStart", slowInboxStart()));
        assertPausedOnTheMissingField();
    }

    /** The same slow start before any authorization: the re-authorization gate's half of the same question. */
    @Test
    void aSlowStartWithoutTokensLetsNoFileThrough() throws Exception {
        Files.delete(dir.resolve("tokens.json"));
        Files.writeString(mapping, Files.readString(Path.of("config/mapping.yaml")));
        startCcsync(Map.of(), Map.of("slowStart", slowInboxStart()));

        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() ->
                Files.exists(inbox.resolve("people.csv")) && !Files.exists(inbox.resolve("error")));
        assertThat(sandbox.contacts()).isEmpty();
        assertThat(log.list).noneMatch(e -> e.getThrowableProxy() != null);
    }

    /** Holds ccsync's start 3 s once the inbox's consumer runs, before the routes after it are started. */
    private static org.apache.camel.spi.EventNotifier slowInboxStart() {
        return new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) throws Exception {
                if (event instanceof org.apache.camel.spi.CamelEvent.RouteStartedEvent started
                        && started.getRoute().getRouteId().equals("file-inbox")) {
                    Thread.sleep(3_000);
                }
            }
        };
    }

    /** With the start check off, delivery meets the name in the first chunk: that one attempt fails, then the gate closes. */
    @Test
    void withoutTheStartCheckDeliveryMeetingTheMissingNamePausesTheSourcesToo() throws Exception {
        startCcsync(Map.of("ccsync.delivery.check-names-at-start", "false"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(mappingCheck().path("status").asText()).isEqualTo("DOWN"));
        assertThat(mappingCheck().path("message").asText()).contains("custom field 'favourite_colour'");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() ->
                Files.exists(inbox.resolve("people.csv")) && sandbox.contacts().isEmpty());

        SandboxFixture.createTheMappingsCustomField(sandbox, accessToken);

        assertDelivered();
    }
}
