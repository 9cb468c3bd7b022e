package io.ccsync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.cli.CheckCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `ccsync check FILE…`: the dry run with the shipped config/mapping.yaml; no API, no sandbox. */
class CheckCommandTest {
    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private Result check(String... args) {
        CommandLine cli = new CommandLine(new CheckCommand());
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
    void aGoodFileSaysWhatWouldBeSentAndExitsZero() throws Exception {
        Path good = file("good.csv", """
                email,first_name,last_name,opted_out
                jane@example.com,Jane,Doe,
                john@example.com,John,Smith,yes
                """);

        Result r = check(good.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("send    line 2  jane@example.com")
                .contains("send    line 3  john@example.com  (opted out: sent as unsubscribed)")
                .contains("2 records, 2 would be sent, 0 rejected")
                .contains("No API call was made").contains("needs the delta store");
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
        assertThat(r.out()).contains("send    line 2  jane@example.com")
                .containsPattern("REJECT  line 3  email_address.address \\(FORMAT\\)")
                .containsPattern("REJECT  line 5  email_address.address \\(REQUIRED\\)")
                .contains("REJECT  line 4  (UNREADABLE_LINE): has 2 fields but the header has 3")
                .contains("4 records, 1 would be sent, 3 rejected");
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
        assertThat(json.path("totals").path("send").asLong()).isEqualTo(1);
        assertThat(json.path("totals").path("rejected").asLong()).isEqualTo(1);
        assertThat(json.path("files")).as(r.out()).hasSize(2);
        assertThat(json.path("files").get(0).path("results")).as(r.out()).hasSize(1);
        JsonNode sent = json.path("files").get(0).path("results").get(0);
        assertThat(sent.path("action").asText()).isEqualTo("send");
        assertThat(sent.path("email").asText()).isEqualTo("jane@example.com");
        JsonNode rejected = json.path("files").get(1).path("results").get(0);
        assertThat(rejected.path("action").asText()).isEqualTo("reject");
        assertThat(rejected.path("position").asText()).isEqualTo("line 1");
        assertThat(rejected.path("field").asText()).isEqualTo("email_address.address");
        assertThat(rejected.path("rule").asText()).isEqualTo("FORMAT");
        assertThat(json.path("unchanged").asText()).contains("delta store");
    }

    @Test
    void anUnreadableFileExitsTwoWithTheReason() throws Exception {
        Path sheet = Files.write(dir.resolve("contacts.xlsx"), new byte[] {0x50, 0x4b, 3, 4, 0, 0});

        Result missing = check(dir.resolve("nothing-here.csv").toString());
        Result xlsx = check(sheet.toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.out()).contains("UNREADABLE: no readable file at");
        assertThat(xlsx.exitCode()).isEqualTo(2);
        assertThat(xlsx.out()).contains("UNREADABLE").contains("Save as CSV");
    }
}
