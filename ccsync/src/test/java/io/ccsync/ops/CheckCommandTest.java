package io.ccsync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.auth.TokenCache;
import io.ccsync.cli.CheckCommand;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.contract.SourceRecord;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `ccsync check FILE…`: the dry run with the shipped config/mapping.yaml, compared with the delivery history in
 * ccsync's database; no API call.
 */
class CheckCommandTest {
    @TempDir
    Path dir;

    private Sandbox sandbox;

    @AfterEach
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private record Result(int exitCode, String out, String err) {
    }

    /** Where ccsync's database would be: nothing there unless a test delivers first. */
    private String dbUrl() {
        return "jdbc:h2:file:" + dir.resolve("data/ccsync") + ";AUTO_SERVER=TRUE";
    }

    private Result check(String... args) {
        return check(Map.of("ccsync.db.url", dbUrl()), args);
    }

    private Result check(Map<String, String> overrides, String... args) {
        CommandLine cli = new CommandLine(new CheckCommand(overrides));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void withoutDeliveryHistoryEveryValidRecordWouldBeCreatedAndNoDatabaseIsMade() throws Exception {
        Path good = file("good.csv", """
                email,first_name,last_name,opted_out
                jane@example.com,Jane,Doe,
                john@example.com,John,Smith,yes
                """);

        Result r = check(good.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("No delivery history found in ccsync's database (ccsync.db.url): nothing was "
                        + "delivered yet, so every valid record would be created.")
                .contains("  create     line 2  jane@example.com\n")
                .contains("  create     line 3  john@example.com  (opted out: sent as unsubscribed)\n")
                .contains("2 records: 2 to create, 0 to update, 0 unchanged, 0 rejected")
                .contains("Total: 1 file(s): 2 would be created (new to ccsync), 0 updated, 0 unchanged (no call), "
                        + "0 rejected. No API call was made.");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("a check creates no database").containsExactly(good);
        }
    }

    @Test
    void comparedWithARealDeliveryItSaysUnchangedUpdateCreateAndRejectAndCallsNoApi() throws Exception {
        deliver(person("jane@example.com", "Jane", "Doe"), person("john@example.com", "John", "Smith"));
        List<List<String>> historyBefore = history();
        assertThat(historyBefore).as("a fingerprint per delivered contact").hasSize(2);
        int callsBefore = sandbox.requests().size();
        Path file = file("contacts.csv", """
                email,first_name,last_name
                jane@example.com,Jane,Doe
                john@example.com,Johnny,Smith
                new@example.com,New,Person
                not-an-email,Bad,Address
                """);

        Result text = check(file.toString());
        Result json = check("--json", file.toString());

        assertThat(text.exitCode()).as(text.out() + text.err()).isEqualTo(1);
        assertThat(text.out().lines().toList()).containsExactly(
                "Compared with the delivery history in ccsync's database (ccsync.db.url).",
                file + ":",
                "  unchanged  line 2  jane@example.com",
                "  update     line 3  john@example.com",
                "  create     line 4  new@example.com",
                "  REJECT     line 5  email_address.address (FORMAT): 'not-an-email' is not an email address "
                        + "(local@domain.tld)",
                "  CSV, UTF-8, delimiter ',': 4 records: 1 to create, 1 to update, 1 unchanged, 1 rejected",
                "Total: 1 file(s): 1 would be created (new to ccsync), 1 updated, 1 unchanged (no call), 1 rejected. "
                        + "No API call was made.");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode out = new ObjectMapper().readTree(json.out());
        assertThat(out.path("history").asBoolean()).isTrue();
        assertThat(out.path("files").get(0).path("results").findValuesAsText("action"))
                .containsExactly("unchanged", "update", "create", "reject");
        JsonNode unchanged = out.path("files").get(0).path("results").get(0);
        assertThat(unchanged.path("position").asText()).isEqualTo("line 2");
        assertThat(unchanged.path("email").asText()).isEqualTo("jane@example.com");
        JsonNode totals = out.path("totals");
        assertThat(List.of(totals.path("create").asLong(), totals.path("update").asLong(),
                totals.path("unchanged").asLong(), totals.path("send").asLong(), totals.path("rejected").asLong()))
                .as("create, update, unchanged, send, rejected").containsExactly(1L, 1L, 1L, 2L, 1L);
        assertThat(sandbox.requests()).as("no API call during the check").hasSize(callsBefore);
        assertThat(history()).as("the check wrote nothing").isEqualTo(historyBefore);
    }

    @Test
    void aDatabaseCcsyncNeverStartedOnHasNoHistory() throws Exception {
        DriverManager.getConnection(dbUrl(), "sa", "").close(); // exists, but without ccsync's tables
        Path good = file("good.csv", "email\njane@example.com\n");

        Result r = check(good.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("No delivery history found").contains("  create     line 2  jane@example.com");
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorNamingTheSettingsAndExitsFour() throws Exception {
        DriverManager.getConnection(dbUrl(), "sa", "right-password").close();
        Path good = file("good.csv", "email\njane@example.com\n");

        Result r = check(Map.of("ccsync.db.url", dbUrl(), "ccsync.db.password", "wrong-password"), good.toString());

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).startsWith("ccsync: cannot read the delivery history in ccsync's database "
                + "(ccsync.db.url, ccsync.db.user, ccsync.db.password): Wrong user name or password")
                .doesNotContain("wrong-password");
    }

    @Test
    void aBadFileNamesEachRejectedLineFieldAndRuleAndExitsOne() throws Exception {
        Path bad = file("bad.csv", """
                email,first_name,last_name
                jane@example.com,Jane,Doe
                not-an-email,Bad,Address
                ragged@example.com,Only
                ,No,Email
                """);

        Result r = check(bad.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("create     line 2  jane@example.com")
                .containsPattern("REJECT     line 3  email_address.address \\(FORMAT\\)")
                .containsPattern("REJECT     line 5  email_address.address \\(REQUIRED\\)")
                .contains("REJECT     line 4  (UNREADABLE_LINE): has 2 fields but the header has 3")
                .contains("4 records: 1 to create, 0 to update, 0 unchanged, 3 rejected");
    }

    @Test
    void itShowsTheTagsEachRecordWouldSetAndRejectsA51stTagAndABadSmsNumber() throws Exception {
        Path mapping = file("tags.yaml", """
                email: email
                lists: {default: ["General Interest"]}
                tags: {default: ["CRM"], column: tags, separator: ";"}
                sms_number: sms
                """);
        String many = String.join(";", java.util.stream.IntStream.rangeClosed(1, 50).mapToObj(i -> "t" + i).toList());
        Path people = file("tagged.csv", "email,tags,sms\n"
                + "jane@example.com,VIP; Golf,+1 555 010 0001\n"
                + "john@example.com," + many + ",\n"
                + "joe@example.com,,call me\n");

        Result r = check("--mapping", mapping.toString(), people.toString());
        Result json = check("--json", "--mapping", mapping.toString(), people.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("jane@example.com  tags: CRM, VIP, Golf")
                .contains("taggings (MAX_COUNT): 51 tags, at most 50")
                .contains("sms_channel.full_sms_address (FORMAT): 'call me' is not an SMS number");
        JsonNode jane = new ObjectMapper().readTree(json.out()).path("files").get(0).path("results").get(0);
        assertThat(jane.path("tags")).extracting(JsonNode::asText).containsExactly("CRM", "VIP", "Golf");
    }

    @Test
    void jsonOutputListsEveryRecordAndTheTotalsForScripts() throws Exception {
        Path good = file("good.ndjson", """
                {"email": "jane@example.com", "first_name": "Jane"}
                """);
        Path bad = file("bad.json", """
                [{"email": "x@"}]
                """);

        Result r = check("--json", good.toString(), bad.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.path("history").asBoolean()).isFalse();
        assertThat(json.path("totals").path("create").asLong()).isEqualTo(1);
        assertThat(json.path("totals").path("send").asLong()).isEqualTo(1);
        assertThat(json.path("totals").path("unchanged").asLong()).isZero();
        assertThat(json.path("totals").path("rejected").asLong()).isEqualTo(1);
        assertThat(json.path("files")).as(r.out()).hasSize(2);
        assertThat(json.path("files").get(0).path("results")).as(r.out()).hasSize(1);
        JsonNode sent = json.path("files").get(0).path("results").get(0);
        assertThat(sent.path("action").asText()).isEqualTo("create");
        assertThat(sent.path("email").asText()).isEqualTo("jane@example.com");
        JsonNode rejected = json.path("files").get(1).path("results").get(0);
        assertThat(rejected.path("action").asText()).isEqualTo("reject");
        assertThat(rejected.path("position").asText()).isEqualTo("line 1");
        assertThat(rejected.path("field").asText()).isEqualTo("email_address.address");
        assertThat(rejected.path("rule").asText()).isEqualTo("FORMAT");
    }

    @Test
    void anUnreadableFileExitsFourWithTheReason() throws Exception {
        Path sheet = Files.write(dir.resolve("contacts.xlsx"), new byte[] {0x50, 0x4b, 3, 4, 0, 0});

        Result missing = check(dir.resolve("nothing-here.csv").toString());
        Result xlsx = check(sheet.toString());

        assertThat(missing.exitCode()).isEqualTo(4);
        assertThat(missing.out()).contains("UNREADABLE: no readable file at");
        assertThat(xlsx.exitCode()).isEqualTo(4);
        assertThat(xlsx.out()).contains("UNREADABLE").contains("Save as CSV");
    }

    /** A real delivery to a sandbox over HTTP by ccsync's routes, into the database the check then reads. */
    private void deliver(SourceRecord... records) throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withDailyLimit(1_000_000).withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        settings.put("ccsync.db.url", dbUrl());
        settings.put("ccsync.delivery.check-names-at-start", "false");
        try (RunningCcsync ccsync = RunningCcsync.start(settings, Map.of())) {
            SandboxFixture.createTheMappingsCustomField(sandbox, ccsync.bean("tokenCache", TokenCache.class).accessToken().value());
            DeliveryReport report = ccsync.template().requestBody("direct:contacts", List.of(records),
                    DeliveryReport.class);
            assertThat(report.created()).as(report.summary()).isEqualTo(records.length);
        }
    }

    /** A record as the shipped mapping's columns name them. */
    private static SourceRecord person(String email, String firstName, String lastName) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("email", email);
        fields.put("first_name", firstName);
        fields.put("last_name", lastName);
        return new SourceRecord("delivered.csv", "line 1", fields);
    }

    /** Every stored fingerprint row, as delivery left it. */
    private List<List<String>> history() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(dbUrl(), "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT email, hash, delivered_at FROM delivery_fingerprint ORDER BY email")) {
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return rows;
    }
}
