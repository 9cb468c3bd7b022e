package io.ccsync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.cli.Ccsync;
import io.ccsync.testing.FreePort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo, as a newcomer runs it: `ccsync run --profile demo` from a folder holding config/, routes/ and
 * samples/. The demo CRM's 20 rows and the sample file's 5 must arrive in the sandbox, twice in a row (each run starts
 * with a new sandbox), and the log must say so.
 */
class DemoTest {
    @TempDir
    Path folder;

    @Test
    void theDemoShowsBothSourcesArrivingAndRunsAgain() throws Exception {
        for (String dir : List.of("config", "routes", "samples")) {
            copyTree(Path.of(dir), folder.resolve(dir));
        }
        for (int run = 1; run <= 2; run++) {
            // the file's line may come after the 25th contact (its last records can be the last to arrive)
            List<String> seen = runUntil("Demo: the sandbox now holds 25 contacts", "contacts.csv: done.");
            assertThat(seen).as("run %d", run)
                    .anyMatch(l -> l.contains("Demo: authorized as"))
                    .anyMatch(l -> l.contains("CRM poll crm: 20 records"))
                    .anyMatch(l -> l.contains("contacts.csv: done. 5 records"))
                    .noneMatch(l -> l.contains(" ERROR "));
        }
    }

    /** Runs the demo until each of {@code wanted} is logged (or a minute passes), then stops it; returns the log lines. */
    private List<String> runUntil(String... wanted) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Ccsync.class.getName(), "run", "--profile", "demo",
                "--max-seconds", "60")
                .directory(folder.toFile()).redirectErrorStream(true);
        pb.environment().put("CAMEL_MANAGEMENT_PORT", Integer.toString(FreePort.get()));
        pb.environment().put("CCSYNC_DEMO_SANDBOX_URL", "http://localhost:" + FreePort.get());
        Process demo = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                if (java.util.Arrays.stream(wanted).allMatch(w -> lines.stream().anyMatch(l -> l.contains(w)))) {
                    break;
                }
            }
        } finally {
            demo.destroy();
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (String w : wanted) {
            assertThat(lines).as(String.join("\n", lines)).anyMatch(l -> l.contains(w));
        }
        return lines;
    }


    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
