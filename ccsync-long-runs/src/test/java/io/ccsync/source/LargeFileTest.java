package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large file goes through ccsync in bounded memory: a child JVM with a heap far smaller than the file's records.
 * The unit suite uses 200,000 rows under -Xmx64m; the full check from the issue, 1,000,000 rows under -Xmx256m:
 * <pre>mvn test -Dtest=LargeFileTest -Dccsync.large.rows=1000000 -Dccsync.large.heap=256m</pre>
 */
class LargeFileTest {
    @TempDir
    Path dir;

    @Test
    void aLargeFileIsDeliveredUnderASmallHeap() throws Exception {
        int rows = Integer.getInteger("ccsync.large.rows", 200_000);
        String heap = System.getProperty("ccsync.large.heap", "64m");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path file = dir.resolve("large.csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("\uFEFFemail,first_name,last_name,company,job_title,phone,street,city,postal_code,country\r\n");
            for (int i = 1; i <= rows; i++) {
                out.write("person" + i + "@example.com,First" + i + ",Last" + i + ",\"Company " + i + ", Inc.\","
                        + "Engineer,+1 555 " + (1000 + i % 9000) + ",\"" + i + " Long Street, Apt 5\",Springfield,"
                        + (10000 + i % 90000) + ",US\r\n");
            }
        }
        Files.move(file, inbox.resolve("large.csv"));

        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                LargeFileRun.class.getName(), dir.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(dir.resolve("child.log"));

        assertThat(child.exitValue()).as(tail(log)).isZero();
        assertThat(log).contains("DELIVERED " + rows + " ");
        System.out.println(rows + " rows under -Xmx" + heap + ": " + log.lines().filter(l -> l.startsWith("DELIVERED"))
                .findFirst().orElse(""));
        try (var done = Files.list(inbox.resolve("done"))) {
            Path report = done.filter(p -> p.toString().endsWith("large.csv.report.txt")).findFirst().orElseThrow();
            assertThat(Files.readString(report)).contains("outcome:  done\n").contains(rows + " records: " + rows + " created");
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
