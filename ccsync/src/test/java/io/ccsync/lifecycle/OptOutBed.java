package io.ccsync.lifecycle;

import io.ccsync.auth.TokenCache;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A sandbox (authorized, the mapping's custom field made) and the settings of a ccsync whose opt-out poll runs every
 * second against it, writing files under {@code dir/optouts} and rows into a real CRM table {@code crm_optout}.
 */
final class OptOutBed implements AutoCloseable {
    /** What the CRM's statement does in these tests: one row per application, so "exactly once" can be counted. */
    static final String CRM_TABLE = "CREATE TABLE crm_optout (email VARCHAR(320) NOT NULL, "
            + "opted_out_at TIMESTAMP NOT NULL, reason VARCHAR(4000))";
    static final String CRM_SQL = "INSERT INTO crm_optout (email, opted_out_at, reason) "
            + "VALUES (:email, :optedOutAt, :reason)";

    final Sandbox sandbox;
    final Path dir;
    final Path tokens;

    OptOutBed(Path dir) {
        this.dir = dir;
        this.sandbox = Sandbox.start(SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(1_000_000)
                .withPort(0).withAutoApprove(true).withImportStepDelay(java.time.Duration.ofMillis(5)));
        this.tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
    }

    /** ccsync's database and the CRM as given; the poll on, every second (the route still off if {@code poll} is false). */
    Map<String, String> settings(String dbUrl, String crmUrl, String dbUser, boolean poll) {
        Map<String, String> s = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        s.put("ccsync.db.url", dbUrl);
        s.put("ccsync.db.user", dbUser);
        s.put("ccsync.db.password", "");
        s.put("ccsync.crm.url", crmUrl);
        s.put("ccsync.crm.user", dbUser);
        s.put("ccsync.crm.password", "");
        s.put("ccsync.crm.optout-sql", CRM_SQL);
        s.put("ccsync.optouts.enabled", Boolean.toString(poll));
        s.put("ccsync.optouts.cron", "* * * * * ?");
        s.put("ccsync.optouts.dir", optOutDir().toString());
        s.put("ccsync.delivery.check-names-at-start", "false");
        s.put("ccsync.delivery.bulk.poll-interval", "50");
        s.put("ccsync.delivery.rate.per-second", "100");
        return s;
    }

    /** Turns the real inbox on in {@code settings}, quick, on {@code dir/inbox}. */
    Map<String, String> withInbox(Map<String, String> settings) {
        settings.put("ccsync.inbox.enabled", "true");
        settings.put("ccsync.inbox.dir", inbox().toString());
        settings.put("ccsync.inbox.poll-delay", "100");
        settings.put("ccsync.inbox.min-age", "200");
        return settings;
    }

    Path inbox() {
        return dir.resolve("inbox");
    }

    /** Drops a file into the inbox whole (written beside it, then moved in), as a careful sender does. */
    void drop(String name, String text) throws IOException {
        Files.createDirectories(inbox());
        Path tmp = dir.resolve(name + ".writing");
        Files.writeString(tmp, text);
        Files.move(tmp, inbox().resolve(name));
    }

    /** Waits for {@code name} to be moved to done/ and returns its report. */
    String doneReport(String name) throws IOException {
        Path done = inbox().resolve("done");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> find(done, name) != null);
        return Files.readString(find(done, name + ".report.txt"));
    }

    private static Path find(Path folder, String name) throws IOException {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-" + name)).findFirst().orElse(null);
        }
    }

    Path optOutDir() {
        return dir.resolve("optouts");
    }

    RunningCcsync start(Map<String, String> settings) {
        RunningCcsync ccsync = RunningCcsync.start(settings, Map.of());
        if (sandbox.contacts().isEmpty() && !customFieldMade) {
            SandboxFixture.createTheMappingsCustomField(sandbox,
                    ccsync.bean("tokenCache", TokenCache.class).accessToken().value());
            customFieldMade = true;
        }
        return ccsync;
    }

    private boolean customFieldMade;

    static void createCrmTable(DataSource crm) throws SQLException {
        try (Connection c = crm.getConnection(); Statement st = c.createStatement()) {
            st.execute(CRM_TABLE);
        }
    }

    /** The CRM table's rows, "email|reason", in insertion order. */
    static List<String> crmRows(DataSource crm) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = crm.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT email, reason FROM crm_optout")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2));
            }
        } catch (SQLException e) {
            if (e.getMessage().toLowerCase().contains("crm_optout")) {
                return out; // not created yet
            }
            throw e;
        }
        return out;
    }

    /** Every data line of every opt-out file (header lines left out), file by file. */
    List<String> fileLines() throws IOException {
        if (!Files.isDirectory(optOutDir())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(optOutDir())) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                out.addAll(lines.subList(1, lines.size()));
            }
        }
        return out;
    }

    List<Path> files() throws IOException {
        if (!Files.isDirectory(optOutDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(optOutDir())) {
            return files.sorted().toList();
        }
    }

    /** The opt-out polls' page requests the sandbox answered. */
    List<LoggedRequest> optOutRequests() {
        return sandbox.requests().stream().filter(r -> r.path().startsWith("/v3/contacts?")
                && (r.path().contains("status=unsubscribed") || r.path().contains("cursor="))).toList();
    }

    static SourceRecord person(int n, String... more) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("email", email(n));
        fields.put("first_name", "First" + n);
        fields.put("last_name", "Last" + n);
        for (int i = 0; i + 1 < more.length; i += 2) {
            fields.put(more[i], more[i + 1]);
        }
        return new SourceRecord("people.csv", "line " + n, fields);
    }

    static String email(int n) {
        return "person" + n + "@example.com";
    }

    static List<SourceRecord> people(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(OptOutBed::person).toList();
    }

    static DeliveryReport deliver(RunningCcsync ccsync, List<SourceRecord> records) {
        return ccsync.template().requestBody("direct:contacts", records, DeliveryReport.class);
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
