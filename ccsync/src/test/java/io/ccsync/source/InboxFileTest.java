package io.ccsync.source;

import io.ccsync.contract.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.DeliveryReport;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading dropped files: each format, and each way a file can be wrong, as the report will tell it. */
class InboxFileTest {
    @TempDir
    Path dir;

    private InboxFile file;

    private List<SourceRecord> read(String name, String text) throws IOException {
        return read(name, text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8, "auto");
    }

    private List<SourceRecord> read(String name, byte[] bytes, Charset charset, String delimiter) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        file = InboxFile.open(p, charset, delimiter, 2, new ObjectMapper());
        List<SourceRecord> all = new ArrayList<>();
        file.forEachRemaining(chunk -> {
            assertThat(chunk).hasSizeLessThanOrEqualTo(2);
            all.addAll(chunk);
        });
        file.close();
        return all;
    }

    private List<String> rejections() {
        return file.readProblems().rejected().stream().map(DeliveryReport.Problem::toString).toList();
    }

    @Test
    void aSpreadsheetExportWithBomCrlfAndQuotedCommasReadsAsThePersonSeesIt() throws IOException {
        List<SourceRecord> records = read("contacts.csv", Files.readAllBytes(Path.of("samples/contacts.csv")),
                StandardCharsets.UTF_8, "auto");

        assertThat(records).hasSize(5);
        SourceRecord jane = records.get(0);
        assertThat(jane.fields()).containsEntry("email", "jane.doe@example.com") // no BOM glued to the first name
                .containsEntry("company", "Acme, Inc.").containsEntry("street", "1 Main St, Suite 2");
        assertThat(jane.origin()).isEqualTo("contacts.csv line 2");
        SourceRecord john = records.get(1);
        assertThat(john.fields()).containsEntry("job_title", "Head of \"Special\" Projects")
                .containsEntry("street", "10 High Street\r\nFlat 3");
        assertThat(john.position()).isEqualTo("line 3");
        assertThat(records.get(2).position()).as("after a record spanning two lines").isEqualTo("line 5");
        assertThat(records.get(2).fields()).containsEntry("first_name", "María");
        assertThat(records.get(4).fields()).containsEntry("opted_out", "yes");
        assertThat(file.failure()).isNull();
        assertThat(file.description()).isEqualTo("CSV, UTF-8, delimiter ','");
    }

    @Test
    void theDelimiterIsDetectedFromTheHeaderOrConfigured() throws IOException {
        assertThat(read("semi.csv", "email;first_name\na@example.com;Ann, Jr.\n")).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("first_name", "Ann, Jr."));
        assertThat(read("tabs.tsv", "email\tfirst_name\na@example.com\tAnn\n")).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("first_name", "Ann"));
        assertThat(read("pipe.csv", "email|name\na@example.com|A;B\n".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8, "|")).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("name", "A;B"));
    }

    @Test
    void anotherEncodingIsReadWhenConfigured() throws IOException {
        byte[] latin = "email,first_name\nj@example.com,Jérôme\n".getBytes(Charset.forName("windows-1252"));

        assertThat(read("legacy.csv", latin, Charset.forName("windows-1252"), "auto")).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("first_name", "Jérôme"));
    }

    @Test
    void textInTheWrongEncodingStopsWithWhereAndWhatToDo() throws IOException {
        byte[] latin = "email,first_name\nj@example.com,Jerome\nk@example.com,Jérôme\n"
                .getBytes(Charset.forName("windows-1252"));

        List<SourceRecord> records = read("legacy.csv", latin, StandardCharsets.UTF_8, "auto");

        assertThat(file.failure()).contains("not valid UTF-8").contains("windows-1252");
        assertThat(records).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aRaggedRowIsRejectedByLineAndTheRestIsRead() throws IOException {
        List<SourceRecord> records = read("ragged.csv", """
                email,first_name,last_name
                a@example.com,Ann,Able
                b@example.com,Bob
                c@example.com,Cid,Cole,extra
                d@example.com,Dee,Dunn
                """);

        assertThat(records).extracting(SourceRecord::position).containsExactly("line 2", "line 5");
        assertThat(rejections()).containsExactly(
                "ragged.csv line 3: has 2 fields but the header has 3 (a missing or extra ',', or a quote that is not closed)",
                "ragged.csv line 4: has 4 fields but the header has 3 (a missing or extra ',', or a quote that is not closed)");
        assertThat(file.failure()).isNull();
    }

    @Test
    void anEmptyFileAndAHeaderOnlyFileSaySo() throws IOException {
        assertThat(read("empty.csv", "")).isEmpty();
        assertThat(file.failure()).isEqualTo("the file is empty");

        assertThat(read("header.csv", "email,first_name\r\n")).isEmpty();
        assertThat(file.failure()).isNull();
        assertThat(file.note()).isEqualTo("the file has a header and no records");
    }

    @Test
    void aBinaryFileIsNotReadAsText() throws IOException {
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0, 0, 0, 33};

        assertThat(read("contacts.csv", zip, StandardCharsets.UTF_8, "auto")).isEmpty();
        assertThat(file.failure()).startsWith("this is not a text file");
    }

    @Test
    void aFileTypeCcsyncCannotReadSaysWhichItCan() throws IOException {
        assertThat(read("contacts.xlsx", "whatever")).isEmpty();
        assertThat(file.failure()).contains(".csv, .json and .ndjson");
    }

    @Test
    void aJsonArrayIsReadObjectByObjectWithTheLineEachStartsOn() throws IOException {
        List<SourceRecord> records = read("contacts.json", """
                [
                  {"email": "a@example.com", "first_name": "Ann", "opted_out": true, "age": 41,
                   "address": {"city": "Paris"}, "lists": ["News", "VIP"], "phone": null},
                  {"email": "b@example.com"},
                  42,
                  {"email": "c@example.com"}
                ]
                """);

        assertThat(records).extracting(SourceRecord::position).containsExactly("line 2", "line 4", "line 6");
        assertThat(records.get(0).fields()).containsEntry("opted_out", "true").containsEntry("age", "41")
                .containsEntry("address.city", "Paris").containsEntry("lists", "News,VIP").doesNotContainKey("phone");
        assertThat(rejections()).containsExactly("contacts.json line 5: expected an object {…} but found a number");
    }

    @Test
    void aJsonSyntaxErrorHalfwayKeepsTheRecordsBeforeItAndSaysWhere() throws IOException {
        List<SourceRecord> records = read("broken.json", """
                [
                  {"email": "a@example.com"},
                  {"email": "b@example.com"},
                  {"email": "c@example.com",, "first_name": "Cid"},
                  {"email": "d@example.com"}
                ]
                """);

        assertThat(records).extracting(r -> r.fields().get("email")).containsExactly("a@example.com", "b@example.com");
        assertThat(file.failure()).startsWith("line 4: JSON syntax error at line 4, column 29");
    }

    @Test
    void ndjsonRejectsABrokenLineAloneAndReadsOn() throws IOException {
        List<SourceRecord> records = read("contacts.ndjson", """
                {"email": "a@example.com"}
                {"email": "b@example.com"

                ["not", "an", "object"]
                {"email": "c@example.com"}
                """);

        assertThat(records).extracting(SourceRecord::position).containsExactly("line 1", "line 5");
        assertThat(rejections()).hasSize(2);
        assertThat(rejections().get(0)).startsWith("contacts.ndjson line 2: not valid JSON");
        assertThat(rejections().get(1)).isEqualTo("contacts.ndjson line 4: expected an object {…} but found a list");
        assertThat(file.failure()).isNull();
    }

    @Test
    void anUnclosedQuoteStopsTheCsvWithTheLine() throws IOException {
        List<SourceRecord> records = read("quote.csv", """
                email,first_name
                a@example.com,Ann
                b@example.com,"Bob
                """);

        assertThat(records).hasSize(1);
        assertThat(file.failure()).startsWith("line 3").contains("quote");
    }

    @Test
    void anNdjsonLineWithTwoObjectsIsRejectedNotHalfRead() throws IOException {
        List<SourceRecord> records = read("two.ndjson", """
                {"email": "a@example.com"} {"email": "b@example.com"}
                {"email": "c@example.com"}
                """);

        assertThat(records).extracting(SourceRecord::position).containsExactly("line 2");
        assertThat(rejections()).singleElement().asString().startsWith("two.ndjson line 1: not valid JSON");
    }

    @Test
    void anNdjsonLineBeyondTheParsersLimitsIsRejectedAloneWithTheLimit() throws IOException {
        List<SourceRecord> records = read("limits.ndjson", "{\"email\": \"a@example.com\"}\n"
                + "{\"deep\": " + "[".repeat(1500) + "]".repeat(1500) + "}\n"
                + "{\"n\": " + "9".repeat(1500) + "}\n"
                + "{\"email\": \"d@example.com\"}\n");

        assertThat(file.failure()).isNull();
        assertThat(records).extracting(SourceRecord::position).containsExactly("line 1", "line 4");
        assertThat(rejections()).hasSize(2);
        assertThat(rejections().get(0)).startsWith("limits.ndjson line 2: not valid JSON").contains("nesting depth");
        assertThat(rejections().get(1)).startsWith("limits.ndjson line 3: not valid JSON").contains("Number value length");
    }

    @Test
    void jsonListsOneAfterAnotherAreAllRead() throws IOException {
        List<SourceRecord> records = read("twice.json", """
                [{"email": "a@example.com"},
                 {"email": "b@example.com"}]
                [{"email": "c@example.com"}]
                {"email": "d@example.com"}
                """);

        assertThat(records).extracting(r -> r.fields().get("email"))
                .containsExactly("a@example.com", "b@example.com", "c@example.com", "d@example.com");
        assertThat(records.get(2).position()).isEqualTo("line 3");
        assertThat(file.failure()).isNull();
    }

    @Test
    void textInTheWrongEncodingStopsAtItsOwnLineAndEverythingBeforeIsRead() throws IOException {
        StringBuilder csv = new StringBuilder("email,first_name\n");
        StringBuilder ndjson = new StringBuilder();
        for (int i = 2; i <= 60; i++) {
            String name = i == 42 ? "J\u00e9r\u00f4me" : "Name" + i;
            csv.append("p").append(i).append("@example.com,").append(name).append('\n');
            ndjson.append("{\"email\": \"p").append(i).append("@example.com\", \"first_name\": \"").append(name)
                    .append("\"}\n");
        }
        Charset latin = Charset.forName("windows-1252");

        // the decoder used to throw away the whole buffer it was decoding: no record, "after line 0"
        assertThat(read("legacy.csv", csv.toString().getBytes(latin), StandardCharsets.UTF_8, "auto")).hasSize(40);
        assertThat(file.failure()).startsWith("line 42: the text is not valid UTF-8 (byte ")
                .contains(": E9); save the file as UTF-8");
        assertThat(read("legacy.ndjson", ndjson.toString().getBytes(latin), StandardCharsets.UTF_8, "auto"))
                .hasSize(40).last().extracting(SourceRecord::position).isEqualTo("line 40");
        assertThat(file.failure()).startsWith("line 41: the text is not valid UTF-8");
        assertThat(read("legacy.json", ("[\n" + ndjson.toString().replace("}\n", "},\n") + "{}]")
                .getBytes(latin), StandardCharsets.UTF_8, "auto")).hasSize(40);
        assertThat(file.failure()).startsWith("line 42: the text is not valid UTF-8");
    }

    @Test
    void aQuoteNeverClosedIsNamedByTheLineItOpensOnNotTheEndOfTheFile() throws IOException {
        StringBuilder csv = new StringBuilder("email,first_name\n");
        for (int i = 2; i <= 50; i++) {
            csv.append(i == 5 ? "\n\n" : "").append("p").append(i).append("@example.com,")
                    .append(i == 5 ? "\"Open" : "Name" + i).append('\n'); // empty lines before it, too
        }

        assertThat(read("quote.csv", csv.toString())).hasSize(3);
        assertThat(file.failure()).startsWith("line 7: the CSV is malformed in the record starting on this line")
                .contains("check its quotes");
    }

    @Test
    void emptyLinesAnywhereAreSkippedAndCountedAsLines() throws IOException {
        List<SourceRecord> records = read("gaps.csv", "\r\n\nemail,first_name\r\n\r\na@example.com,Ann\r\n\n"
                + "b@example.com,Bob\n\n\n");

        assertThat(records).extracting(SourceRecord::position).containsExactly("line 5", "line 7");
        assertThat(rejections()).isEmpty();
        assertThat(read("one.csv", "email\n\na@example.com\n\n")).extracting(SourceRecord::position)
                .containsExactly("line 3");
        assertThat(read("semi.csv", "\n\nemail;first_name\na@example.com;Ann, Jr.\n")).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("first_name", "Ann, Jr."));
    }

    @Test
    void aHeaderLineLongerThanTheLookAheadIsStillRead() throws IOException {
        String wide = "email," + "x".repeat(70_000) + "\na@example.com,1\n";

        assertThat(read("wide.csv", wide)).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("email", "a@example.com"));
        assertThat(file.failure()).as("was: Mark invalid").isNull();
    }

    @Test
    void aFileThatBreaksWhileOpeningIsClosed() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        long before;
        try (var open = Files.list(fds)) {
            before = open.count();
        }

        for (int i = 0; i < 100; i++) { // a header naming a column twice; a first record with a quote never closed
            read("twice" + i + ".csv", "email,EMAIL\na@example.com,b@example.com\n");
            assertThat(file.failure()).contains("twice");
            read("quote" + i + ".csv", "email,first_name\na@example.com,\"Ann\n");
            assertThat(file.failure()).contains("quote");
        }

        try (var open = Files.list(fds)) {
            assertThat(open.count()).as("open files").isLessThan(before + 20);
        }
    }
}
