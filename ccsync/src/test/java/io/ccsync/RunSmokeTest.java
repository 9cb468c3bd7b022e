package io.ccsync;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.cli.Ccsync;
import io.ccsync.testing.FreePort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ccsync run` starts camel-main with the shipped config/ and routes/ and stops cleanly. */
class RunSmokeTest {
    @TempDir
    Path dir;

    @Test
    void runStartsTheShippedRoutesAndStopsCleanly() throws Exception {
        int port = FreePort.get();
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Ccsync.class.getName(), "run", "--max-seconds", "3"))
                .redirectErrorStream(true);
        pb.environment().put("CAMEL_MANAGEMENT_PORT", Integer.toString(port));
        pb.environment().put("CCSYNC_TOKEN_FILE", dir.resolve("tokens.json").toString());
        pb.environment().put("CCSYNC_DB_URL", "jdbc:h2:file:" + dir.resolve("ccsync"));
        pb.environment().put("CCSYNC_CRM_URL", "jdbc:h2:file:" + dir.resolve("crm"));
        pb.environment().put("CCSYNC_INBOX_DIR", dir.resolve("inbox").toString());
        Process run = pb.start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("Apache Camel 4.18.0 (ccsync) started")
                .contains("Started token-refresh (direct://token-refresh)")
                .contains("Started token-keepalive (quartz://ccsync/token-keepalive)")
                .contains(":" + port + "/observe/health") // Camel prints 0.0.0.0 whatever camel.management.host binds
                .contains("(ccsync) shutdown");
    }
}
