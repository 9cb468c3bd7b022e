package io.ccsync.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.cli.CheckCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ccsync check} on a removals file: what it would remove or delete, and whether it would be held. */
class RemovalsCheckTest {
    @TempDir
    Path dir;

    private String check(Map<String, String> extra, String... args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("ccsync.db.url", "jdbc:h2:file:" + dir.resolve("data/ccsync") + ";AUTO_SERVER=TRUE");
        overrides.putAll(extra);
        CommandLine cli = new CommandLine(new CheckCommand(overrides));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    private Path removals(int count) throws Exception {
        return Files.writeString(dir.resolve("left.removals.csv"), "email\n" + IntStream.rangeClosed(1, count)
                .mapToObj(n -> "person" + n + "@example.com").collect(Collectors.joining("\n")) + "\nnot-an-email\n");
    }

    @Test
    void saysWhatARemovalsFileWouldDeleteAndThatTooManyAreHeld() throws Exception {
        Path file = removals(150);

        String out = check(Map.of("ccsync.lifecycle.on-removed", "delete"), file.toString());

        assertThat(out).contains("150 emails; would delete those in the account (contact_delete")
                .contains("HELD: 150 is more than ccsync.lifecycle.max-removals = 100")
                .contains("line 152: no email address")
                .doesNotContain("  create ");
    }

    @Test
    void underTheDefaultPolicyItWouldChangeNothing() throws Exception {
        String out = check(Map.of(), removals(3).toString());

        assertThat(out).contains("3 emails; would change nothing (ccsync.lifecycle.on-removed = ignore)")
                .doesNotContain("HELD");
    }

    @Test
    void jsonSaysTheSame() throws Exception {
        String out = check(Map.of("ccsync.lifecycle.on-removed", "remove-from-lists",
                "ccsync.lifecycle.max-removals", "10"), "--json", removals(5).toString());

        JsonNode r = new ObjectMapper().readTree(out).path("files").get(0).path("removals");
        assertThat(r.path("emails").asInt()).isEqualTo(5);
        assertThat(r.path("policy").asText()).isEqualTo("remove-from-lists");
        assertThat(r.path("held").asBoolean()).isFalse();
    }
}
