package io.ccsync.ops;

import static org.awaitility.Awaitility.await;

import io.ccsync.auth.FileTokenStore;
import io.ccsync.auth.TokenState;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.lifecycle.OptOut;
import io.ccsync.lifecycle.OptOuts;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import io.ccsync.testing.FreePort;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ccsync running as `ccsync run` does (management port on, the real inbox route on a test folder) against the
 * sandbox, after a known day: one good file (2 created, 1 rejected) in done/, one broken file in error/, one record
 * in the dead letter, and people who unsubscribed in Constant Contact (one of the demo CRM's, and {@link #optedOut}),
 * read back by the opt-out poll but not yet written to the CRM: its statement names a table the CRM does not have
 * until {@link #createCrmOptOutTable()} makes it. The status page tests read what it shows of that.
 */
public final class StatusFixture implements AutoCloseable {
    public final Sandbox sandbox;
    public final RunningCcsync ccsync;
    public final Path inbox;
    public final int port;
    public final Path tokenFile;
    /** Who unsubscribed: the page must count them, never name them. */
    public final String optedOut = "ada@example.com";
    private final String crmUrl;

    private StatusFixture(Sandbox sandbox, RunningCcsync ccsync, Path inbox, int port, Path tokenFile, String crmUrl) {
        this.sandbox = sandbox;
        this.ccsync = ccsync;
        this.inbox = inbox;
        this.port = port;
        this.tokenFile = tokenFile;
        this.crmUrl = crmUrl;
    }

    public static StatusFixture start(Path dir) throws Exception {
        Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRateLimit(1_000).withDailyLimit(1_000_000).withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        // the account's owner made the custom field the shipped mapping names, before ccsync started
        SandboxFixture.createTheMappingsCustomField(sandbox, new FileTokenStore(tokens).read().accessToken());
        int port = FreePort.get();
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", Integer.toString(port));
        settings.put("ccsync.db.url", "jdbc:h2:mem:status-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("ccsync.delivery.check-names-at-start", "false");
        settings.put("ccsync.delivery.bulk.poll-interval", "50");
        settings.put("ccsync.delivery.retry.attempts", "1");
        settings.put("ccsync.delivery.retry.delay", "50");
        settings.put("ccsync.delivery.retry.max-delay", "100");
        settings.put("ccsync.inbox.enabled", "true");
        settings.put("ccsync.inbox.dir", inbox.toString());
        settings.put("ccsync.inbox.poll-delay", "200");
        settings.put("ccsync.inbox.min-age", "200");
        settings.put("ccsync.token.scheduler-enabled", "true");
        String crmUrl = "jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        settings.put("ccsync.crm.url", crmUrl);
        settings.put("ccsync.crm.poll-delay", "300");
        settings.put("ccsync.crm.enabled", "true");
        // the opt-out poll every second, writing back to a CRM table that does not exist until a test makes it
        settings.put("ccsync.optouts.enabled", "true");
        settings.put("ccsync.optouts.cron", "* * * * * ?");
        settings.put("ccsync.optouts.dir", dir.resolve("optouts").toString());
        settings.put("ccsync.crm.optout-sql", "INSERT INTO crm_optout (email, opted_out_at, reason) "
                + "VALUES (:email, :optedOutAt, :reason)");
        RunningCcsync ccsync = RunningCcsync.start(settings, Map.of());
        StatusFixture fixture = new StatusFixture(sandbox, ccsync, inbox, port, tokens, crmUrl);
        try {
            fixture.aKnownDay();
        } catch (Exception | AssertionError e) {
            fixture.close();
            throw e;
        }
        return fixture;
    }

    private void aKnownDay() throws Exception {
        // the demo CRM's 20 people
        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.contactCount() >= 20);
        Files.writeString(inbox.resolve("people.csv.tmp"), "email,first_name,last_name\n"
                + "ada@example.com,Ada,Lovelace\ngrace@example.com,Grace,Hopper\nnot-an-email,Bad,Row\n");
        Files.move(inbox.resolve("people.csv.tmp"), inbox.resolve("people.csv"));
        await().atMost(Duration.ofSeconds(30)).until(() -> listed("done").size() == 1);
        Files.writeString(inbox.resolve("broken.json"), "[{\"email\": \"x@example.com\", ");
        await().atMost(Duration.ofSeconds(30)).until(() -> listed("error").size() == 1);
        // every call fails: the record is tried twice (retry.attempts = 1), then dead-lettered
        sandbox.setFailRate(1.0);
        DeliveryReport dead = ccsync.template().requestBody("direct:contacts", List.of(new SourceRecord("test",
                "line 1", Map.of("email", "lost@example.com"))), DeliveryReport.class);
        sandbox.setFailRate(0);
        if (dead.deadLettered().size() != 1) {
            throw new AssertionError("expected one dead letter: " + dead.summary());
        }
        sandbox.unsubscribe(optedOut, "too many emails");
        // (the demo CRM's opted-out person, delivered as unsubscribed, is read back too)
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingForCrm().contains(optedOut));
    }

    /** The addresses of the opt-outs the poll has read back and the CRM statement has not applied yet. */
    public List<String> pendingForCrm() throws SQLException {
        return ccsync.bean("optOuts", OptOuts.class).pendingForCrm(Integer.MAX_VALUE).stream().map(OptOut::email)
                .toList();
    }

    /** The CRM table the opt-out statement writes to: from now on the poll applies what waits. */
    public void createCrmOptOutTable() throws SQLException {
        try (Connection c = DriverManager.getConnection(crmUrl, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE crm_optout (email VARCHAR(320), opted_out_at TIMESTAMP, reason VARCHAR(4000))");
        }
    }

    /** The processed files in done/ or error/, reports left out. */
    public List<Path> listed(String folder) throws IOException {
        Path dir = inbox.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> !p.toString().endsWith(".report.txt")).toList();
        }
    }

    public URI statusUrl() {
        return URI.create("http://localhost:" + port + StatusPage.PATH);
    }

    public HttpResponse<String> get() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(statusUrl()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The secrets the page must never show: the tokens as stored and the client secret. */
    public List<String> secrets() {
        TokenState state = new FileTokenStore(tokenFile).read();
        return List.of(state.accessToken(), state.refreshToken(), sandbox.clientSecret());
    }

    @Override
    public void close() {
        ccsync.close();
        sandbox.close();
    }
}
