package io.ccsync.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.cli.RemovalsCommand;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.FreePort;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Removals and deletions end to end: the shipped routes and mapping, files dropped into a real inbox, the sandbox over
 * HTTP doing the activities, readiness read over HTTP, and {@code ccsync removals approve} run as a command.
 */
class RemovalsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;
    private Path inbox;
    private int port;
    private final Map<String, String> settings = new LinkedHashMap<>();

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
    void aRemovalMovesTheContactOffItsListAndNothingElse() throws Exception {
        start(Map.of("ccsync.lifecycle.on-removed", "remove-from-lists"));
        drop("people.csv", people(1, 3));
        await().atMost(WAIT).until(() -> onList("person1@example.com") && onList("person3@example.com"));

        drop("left.removals.csv", "email\nPerson1@Example.com\n");

        await().atMost(WAIT).until(() -> !onList("person1@example.com"));
        assertThat(onList("person2@example.com")).isTrue();
        assertThat(onList("person3@example.com")).isTrue();
        assertThat(sandbox.contact("person1@example.com").has("deleted_at")).as("removed, not deleted").isFalse();
        assertThat(posts("/v3/activities/remove_list_memberships")).isEqualTo(1);
        assertThat(report("left.removals.csv")).contains("1 removals (remove-from-lists) to apply");
    }

    @Test
    void aDeletionDeletesAndAContactThatComesBackIsDeliveredAgain() throws Exception {
        start(Map.of("ccsync.lifecycle.on-removed", "delete"));
        drop("people.csv", people(1, 2));
        await().atMost(WAIT).until(() -> sandbox.contacts().size() == 2);

        drop("gone.removals.csv", "email\nperson1@example.com\n");
        await().atMost(WAIT).until(() -> sandbox.contact("person1@example.com").hasNonNull("deleted_at"));
        assertThat(sandbox.contact("person2@example.com").has("deleted_at")).isFalse();
        assertThat(posts("/v3/activities/contact_delete")).isEqualTo(1);
        RemovalBatches batches = ccsync.bean("removalBatches", RemovalBatches.class);
        await().atMost(WAIT).until(() -> batches.list().stream().allMatch(b -> b.state() == RemovalBatches.State.DONE));

        // the same row as before: without the removal its fingerprint would call it unchanged and skip it
        drop("again.csv", people(1, 1));
        await().atMost(WAIT).until(() -> !sandbox.contact("person1@example.com").has("deleted_at"));
        assertThat(onList("person1@example.com")).isTrue();
    }

    @Test
    void aThousandRemovalsAgainstALimitOfAHundredAreHeldUntilApproved() throws Exception {
        start(Map.of("ccsync.lifecycle.on-removed", "delete", "ccsync.lifecycle.max-removals", "100"));
        drop("people.csv", people(1, 1000));
        await().atMost(WAIT).until(() -> sandbox.contacts().size() == 1000);

        drop("all.removals.csv", "email\n" + IntStream.rangeClosed(1, 1000)
                .mapToObj(n -> "person" + n + "@example.com").collect(Collectors.joining("\n")) + "\n");

        JsonNode check = await().atMost(WAIT).until(this::removalsCheck,
                c -> c.path("status").asText().equals("DOWN"));
        assertThat(check.path("message").asText()).contains("1000 removals (delete)")
                .contains("ccsync.lifecycle.max-removals = 100").contains("ccsync removals approve");
        assertThat(readiness()).isEqualTo("DOWN");
        assertThat(report("all.removals.csv")).contains("held: 1000 removals");
        assertThat(sandbox.contacts().stream().filter(c -> c.has("deleted_at"))).as("nothing deleted").isEmpty();
        assertThat(posts("/v3/activities/contact_delete")).isZero();

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new RemovalsCommand(Map.of("ccsync.db.url", settings.get("ccsync.db.url"))));
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("list")).as("list says something is held").isEqualTo(1);
        assertThat(out.toString()).contains("held").contains("1000").contains("all.removals.csv");
        assertThat(cli.execute("approve")).isEqualTo(0);

        await().atMost(WAIT).until(() -> sandbox.contacts().stream().allMatch(c -> c.hasNonNull("deleted_at")));
        await().atMost(WAIT).until(() -> removalsCheck().path("status").asText().equals("UP"));
        assertThat(posts("/v3/activities/contact_delete")).as("500 ids a request").isEqualTo(2);
        assertThat(contactGets()).as("the account paged (2 pages), not 1000 searches").isEqualTo(2);
    }

    @Test
    void aCrmRowMarkedDeletedLeavesTheListAndIsNotDelivered() throws Exception {
        String crm = "jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(crm, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE contacts (id INT PRIMARY KEY, email VARCHAR(100), first_name VARCHAR(50), "
                    + "updated_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP)");
            st.execute("INSERT INTO contacts VALUES (1, 'person1@example.com', 'One', TIMESTAMP '2026-01-01 10:00:00',"
                    + " NULL), (2, 'person2@example.com', 'Two', TIMESTAMP '2026-01-01 10:00:00', NULL)");
        }
        start(Map.of("ccsync.lifecycle.on-removed", "remove-from-lists", "ccsync.crm.deleted-column", "deleted_at",
                "ccsync.crm.enabled", "true", "ccsync.crm.url", crm, "ccsync.crm.user", "sa",
                "ccsync.crm.password", "", "ccsync.crm.poll-delay", "300"));
        await().atMost(WAIT).until(() -> onList("person1@example.com") && onList("person2@example.com"));

        try (Connection c = DriverManager.getConnection(crm, "sa", ""); Statement st = c.createStatement()) {
            st.execute("UPDATE contacts SET first_name = 'Gone', deleted_at = TIMESTAMP '2026-01-02 10:00:00', "
                    + "updated_at = TIMESTAMP '2026-01-02 10:00:00' WHERE id = 1");
        }

        await().atMost(WAIT).until(() -> !onList("person1@example.com"));
        assertThat(sandbox.contact("person1@example.com").path("first_name").asText()).as("not delivered")
                .isEqualTo("One");
        assertThat(onList("person2@example.com")).isTrue();
        RemovalBatches batches = ccsync.bean("removalBatches", RemovalBatches.class);
        await().atMost(WAIT).until(() -> batches.list().stream().allMatch(b -> b.state() == RemovalBatches.State.DONE));
        assertThat(batches.list()).singleElement().satisfies(b -> {
            assertThat(b.origin()).isEqualTo("CRM poll crm");
            assertThat(b.note()).startsWith("1 emails: 1 removed from General Interest");
        });
        assertThat(posts("/v3/activities/remove_list_memberships")).isEqualTo(1);
    }

    @Test
    void byDefaultARemovalsFileChangesNothing() throws Exception {
        start(Map.of());
        drop("people.csv", people(1, 2));
        await().atMost(WAIT).until(() -> onList("person1@example.com") && onList("person2@example.com"));

        drop("left.removals.csv", "email\nperson1@example.com\n");

        assertThat(await().atMost(WAIT).until(() -> report("left.removals.csv"), r -> !r.isEmpty()))
                .contains("1 removals ignored (ccsync.lifecycle.on-removed = ignore)");
        assertThat(onList("person1@example.com")).isTrue();
        assertThat(sandbox.contact("person1@example.com").has("deleted_at")).isFalse();
        assertThat(sandbox.contacts()).hasSize(2).as("the removals file is not read as contacts");
        assertThat(posts("/v3/activities/remove_list_memberships") + posts("/v3/activities/contact_delete")).isZero();
        assertThat(ccsync.bean("removalBatches", RemovalBatches.class).list()).isEmpty();
    }

    // ---- set-up and looks ----

    private void start(Map<String, String> extra) throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withDailyLimit(1_000_000).withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        port = FreePort.get();
        inbox = Files.createDirectories(dir.resolve("inbox"));
        settings.putAll(SandboxFixture.settings(sandbox, tokens));
        settings.put("ccsync.db.url", "jdbc:h2:mem:removals-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", Integer.toString(port));
        settings.put("ccsync.delivery.mapping-file", "config/mapping.yaml");
        settings.put("ccsync.delivery.check-names-at-start", "false");
        settings.put("ccsync.inbox.enabled", "true");
        settings.put("ccsync.inbox.dir", inbox.toString());
        settings.put("ccsync.inbox.poll-delay", "100");
        settings.put("ccsync.inbox.min-age", "100");
        settings.put("ccsync.crm.enabled", "false");
        settings.put("ccsync.delivery.bulk.poll-interval", "50");
        settings.put("ccsync.lifecycle.apply-delay", "200");
        settings.putAll(extra);
        ccsync = RunningCcsync.start(settings, Map.of());
    }

    /** Written beside the inbox and moved in, so the inbox never sees half a file. */
    private void drop(String name, String content) throws Exception {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, inbox.resolve(name));
    }

    private static String people(int from, int count) {
        return "email,first_name\n" + IntStream.range(from, from + count)
                .mapToObj(n -> "person" + n + "@example.com,First" + n).collect(Collectors.joining("\n")) + "\n";
    }

    private boolean onList(String email) {
        return sandbox.contacts().stream()
                .filter(c -> c.path("email_address").path("address").asText().equals(email))
                .anyMatch(c -> c.path("list_memberships").size() > 0);
    }

    private long posts(String path) {
        return sandbox.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals(path)).count();
    }

    private long contactGets() {
        return sandbox.requests().stream().filter(r -> r.method().equals("GET")
                && (r.path().equals("/v3/contacts") || r.path().startsWith("/v3/contacts?")))
                .count();
    }

    private String report(String name) throws Exception {
        Path done = inbox.resolve("done");
        if (!Files.isDirectory(done)) {
            return "";
        }
        try (Stream<Path> files = Files.list(done)) {
            List<Path> reports = files.filter(p -> p.toString().endsWith(name + ".report.txt")).toList();
            return reports.isEmpty() ? "" : Files.readString(reports.get(0));
        }
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/observe/health?data=true")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(answer.body());
    }

    private String readiness() throws Exception {
        return health().path("status").asText();
    }

    private JsonNode removalsCheck() throws Exception {
        JsonNode h = health();
        for (JsonNode check : h.path("checks")) {
            if (check.path("name").asText().equals("ccsync-removals")) {
                return check;
            }
        }
        throw new AssertionError("no ccsync-removals check in " + h);
    }
}
