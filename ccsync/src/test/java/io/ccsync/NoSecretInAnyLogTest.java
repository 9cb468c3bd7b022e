package io.ccsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.auth.TokenCache;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs last: every code, access token and refresh token that any sandbox issued during the whole test suite, and the
 * client secret, must appear in no log line and no test output (every class's output and every child JVM's log).
 * It first drives the token paths that log the most (refresh, retries, invalid_grant) so it is never vacuous.
 */
@Order(Integer.MAX_VALUE)
class NoSecretInAnyLogTest {
    @TempDir
    Path dir;

    @Test
    void noIssuedSecretAppearsInAnyLogOfTheSuite() throws Exception {
        exerciseTheTokenPathsThatLog();

        Set<String> secrets = Sandbox.secretsIssuedInThisJvm();
        assertThat(secrets).as("secrets recorded (is -Dccsync.sandbox.record-secrets=true set?)").hasSizeGreaterThan(3);
        List<String> needles = new ArrayList<>(List.of(SandboxOptions.DEMO_CLIENT_SECRET));
        for (String secret : secrets) {
            needles.add(secret);
            int lastDot = secret.lastIndexOf('.');
            if (lastDot > 0) {
                needles.add(secret.substring(lastDot + 1)); // a JWT's signature alone is as unique as the token
            }
        }

        List<Path> logs = logs();
        assertThat(logs).isNotEmpty();
        long scanned = 0;
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            scanned += text.length();
            for (String needle : needles) {
                assertThat(text.contains(needle)).as("a secret (%s...) appears in %s", needle.substring(0, 6), log)
                        .isFalse();
            }
        }
        assertThat(scanned).isGreaterThan(10_000);
        // the reliability scripts print this line: what was scanned, for what
        System.out.printf("SECRETS SCAN: %d logs, %,d characters, %d secrets issued by this run's sandboxes: 0 hits%n",
                logs.size(), scanned, needles.size());
    }

    private void exerciseTheTokenPathsThatLog() {
        Path tokens = dir.resolve("tokens.json");
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRefreshMode(RefreshMode.ROTATING).withAccessTtl(Duration.ofSeconds(5)))) {
            SandboxFixture.authorize(sandbox, tokens);
            Map<String, String> settings = new HashMap<>(SandboxFixture.settings(sandbox, tokens));
            settings.put("ccsync.token.retry.delay", "200");
            try (RunningCcsync ccsync = RunningCcsync.start(settings, Map.of())) {
                TokenCache cache = ccsync.bean("tokenCache", TokenCache.class);
                cache.refreshNow(); // at 1 call/s right after the login: a 429, a logged retry, then success
                sandbox.setFailRate(1.0);
                assertThatThrownBy(cache::refreshNow).hasMessageContaining("HTTP 5");
                sandbox.setFailRate(0.0);
                new io.ccsync.auth.FileTokenStore(tokens).read(); // still the good pair
            }
        }
    }

    private static List<Path> logs() throws IOException {
        List<Path> logs = new ArrayList<>();
        Path testLog = Path.of(System.getProperty("ccsync.test.log", "target/test-logs/tests.log"));
        if (Files.exists(testLog)) {
            logs.add(testLog);
        }
        Path reports = Path.of(System.getProperty("ccsync.surefire.reports", "target/surefire-reports"));
        if (Files.isDirectory(reports)) {
            try (Stream<Path> files = Files.list(reports)) {
                files.filter(p -> p.getFileName().toString().endsWith("-output.txt")).forEach(logs::add);
            }
        }
        return logs;
    }
}
