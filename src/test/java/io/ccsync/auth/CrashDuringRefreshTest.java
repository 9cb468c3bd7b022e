package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.SandboxFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ccsync process killed with SIGKILL at random moments of back-to-back rotating refreshes, restarted each time:
 * the refresh-token chain must survive every kill. The answer of the token endpoint is kept on disk the moment it
 * arrives, and a restart finishes an interrupted refresh from it; what no client can cover is a kill in the instant
 * between the server rotating and that first write (see README, Reliability). The full run (hundreds of kills) is bench/crash-refresh; this is
 * the reduced form for every build ({@code -Dccsync.crash.kills=N} to change it).
 */
class CrashDuringRefreshTest {
    private static final int KILLS = Integer.getInteger("ccsync.crash.kills", 10);

    @TempDir
    Path dir;

    @Test
    void killNineDuringRotatingRefreshesNeverLosesTheChain() throws Exception {
        Random random = new Random(Long.getLong("ccsync.crash.seed", System.nanoTime()));
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRefreshMode(RefreshMode.ROTATING))) { // the real limit: one token call per second
            Path tokens = dir.resolve("tokens.json");
            SandboxFixture.authorize(sandbox, tokens);
            List<String> args = new ArrayList<>();
            SandboxFixture.settings(sandbox, tokens).forEach((k, v) -> args.add(k + "=" + v));

            int refreshesSeen = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                Process child = startChild(args);
                LinkedBlockingQueue<String> lines = readLines(child);
                int waitFor = 1 + random.nextInt(2);
                for (int seen = 0; seen < waitFor; ) {
                    String line = lines.poll(60, TimeUnit.SECONDS);
                    assertThat(line).as("child output before kill %d", kill).isNotNull();
                    assertThat(line).as("kill %d: the chain was lost", kill).doesNotStartWith("LOST")
                            .doesNotStartWith("FAILED");
                    if (line.startsWith("REFRESHED")) {
                        seen++;
                        refreshesSeen++;
                    }
                }
                // A random instant of the next refresh cycle (about a second at one token call per second): the kill
                // may land before the call, while it is in flight, while the answer is kept, or while it is stored.
                TimeUnit.MICROSECONDS.sleep(random.nextInt(1_200_000));
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }

            TokenState survivor = new FileTokenStore(tokens).read();
            assertThat(survivor.reauthorization()).isNull();
            Process last = startChild(args);
            LinkedBlockingQueue<String> lines = readLines(last);
            String line;
            do {
                line = lines.poll(60, TimeUnit.SECONDS);
                assertThat(line).isNotNull().doesNotStartWith("LOST");
            } while (!line.startsWith("REFRESHED"));
            last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            assertThat(refreshesSeen).isGreaterThanOrEqualTo(KILLS);
            assertThat(sandbox.refreshTokenCalls().rejected()).as("invalid_grant answers").isZero();
        }
    }

    private static Process startChild(List<String> settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RefreshLoop.class.getName()));
        command.addAll(settings);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static LinkedBlockingQueue<String> readLines(Process child) {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception ignored) {
                // the child was killed
            }
        });
        return lines;
    }
}
