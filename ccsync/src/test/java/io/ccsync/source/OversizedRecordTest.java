package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.DeliveryReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One record past {@code ccsync.inbox.max-record-size} (issue 14, item 8), here with a bound of 2,048 characters so
 * the shapes stay small: an NDJSON line and a JSON object are rejected by line and the rest is read; a CSV record (a
 * quote never closed) and a single JSON value end the file at their line. At sizes beyond the heap, in a process with
 * a small heap: {@link HostileInputTest}.
 */
class OversizedRecordTest {
    private static final int BOUND = 2048;

    @TempDir
    Path dir;

    private InboxFile file;

    private List<String> read(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        file = InboxFile.open(p, StandardCharsets.UTF_8, "auto", 2, new ObjectMapper(), BOUND);
        List<String> emails = new ArrayList<>();
        file.forEachRemaining(chunk -> chunk.forEach(r -> emails.add(r.fields().get("email"))));
        file.close();
        return emails;
    }

    private List<String> rejections() {
        return file.readProblems().rejected().stream().map(DeliveryReport.Problem::toString).toList();
    }

    @Test
    void anNdjsonLineBeyondTheBoundIsRejectedByLineAndTheLinesAfterItAreRead() throws Exception {
        String huge = "{\"email\": \"huge@example.com\", \"notes\": \"" + "x".repeat(10 * BOUND) + "\"}";

        List<String> emails = read("c.ndjson", "{\"email\": \"a@example.com\"}\r\n" + huge + "\r\n"
                + "{\"email\": \"b@example.com\"}\n\n{\"email\": \"c@example.com\"}");

        assertThat(emails).containsExactly("a@example.com", "b@example.com", "c@example.com");
        assertThat(rejections()).containsExactly("c.ndjson line 2: the line is longer than 2,048 characters, the most "
                + "a record may hold (ccsync.inbox.max-record-size); skipped");
        assertThat(file.failure()).isNull();
    }

    @Test
    void aLineJustWithinTheBoundIsRead() throws Exception {
        String notes = "y".repeat(BOUND - "{\"email\": \"a@example.com\", \"notes\": \"\"}".length());

        List<String> emails = read("c.ndjson", "{\"email\": \"a@example.com\", \"notes\": \"" + notes + "\"}\n");

        assertThat(emails).containsExactly("a@example.com");
        assertThat(rejections()).isEmpty();
    }

    @Test
    void aCsvQuoteNeverClosedNearTheStartEndsTheFileAtItsLineOnceTheBoundIsReached() throws Exception {
        StringBuilder text = new StringBuilder("email,notes\na@example.com,fine\nb@example.com,\"never closed\n");
        for (int i = 0; i < 10_000; i++) { // past the bound and what the parser may read ahead
            text.append("p").append(i).append("@example.com,more\n");
        }

        List<String> emails = read("c.csv", text.toString());

        assertThat(emails).containsExactly("a@example.com");
        assertThat(file.failure()).startsWith("line 3: the record starting on this line is longer than 2,048 "
                + "characters, the most a record may hold (ccsync.inbox.max-record-size): most likely a quote that "
                + "never closes");
    }

    @Test
    void aJsonObjectBeyondTheBoundIsRejectedByLineAndTheObjectsAfterItAreRead() throws Exception {
        StringBuilder huge = new StringBuilder("  {\"email\": \"huge@example.com\", \"nested\": {\"list\": [1, {\"x\": 2}]}");
        for (int i = 0; huge.length() < 10 * BOUND; i++) {
            huge.append(", \"field").append(i).append("\": \"value ").append(i).append('"');
        }
        huge.append(", \"inner\": {\"deep\": [[\"a\"], {\"b\": \"c\"}]}}");

        List<String> emails = read("c.json", "[\n  {\"email\": \"a@example.com\"},\n" + huge
                + ",\n  {\"email\": \"b@example.com\"}\n]\n[{\"email\": \"c@example.com\"}]");

        assertThat(emails).containsExactly("a@example.com", "b@example.com", "c@example.com");
        assertThat(rejections()).containsExactly("c.json line 3: the record is longer than 2,048 characters, the "
                + "most a record may hold (ccsync.inbox.max-record-size); skipped");
        assertThat(file.failure()).isNull();
    }

    @Test
    void aSingleJsonValueBeyondTheBoundEndsTheFileAtItsLine() throws Exception {
        List<String> emails = read("c.json", "[{\"email\": \"a@example.com\"},\n{\"email\": \"b@example.com\", "
                + "\"notes\": \"" + "z".repeat(10 * BOUND) + "\"}, {\"email\": \"c@example.com\"}]");

        assertThat(emails).containsExactly("a@example.com");
        assertThat(file.failure()).startsWith("line 2: a value is longer than 2,048 characters, the most a record "
                + "may hold (ccsync.inbox.max-record-size): reading stopped here");
    }
}
