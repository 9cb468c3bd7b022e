package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.store.DatabaseConfiguration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.ccsync.testing.SandboxFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window no client can close, measured: from the sandbox sending a rotated pair's last byte (its own clock, right
 * after the write) to ccsync having that answer durable (the journal's clock, right after the sync or commit). Both are
 * the system clock of this machine, read in microseconds by two processes. Four cases: a freshly started
 * {@code ccsync token refresh} (a new JVM per sample), and a long-running process refreshing again and again through
 * the token route, each with the file store and the jdbc store on PostgreSQL (embedded). The goal (issue 13) is at
 * most 2 ms at the 99th percentile; the test prints the distribution ({@code WINDOW …} lines, also appended to
 * {@code -Dccsync.window.summary=FILE}).
 *
 * <p>The suite runs a few samples and checks that every answer was kept at the HTTP layer and timed; the figures
 * themselves depend on the machine's load, so they are reported, not asserted. Full form ({@code reliability/window}): {@code -Dccsync.window.cold=N} fresh processes
 * and {@code -Dccsync.window.warm=N} refreshes of the long-running one, per store.
 */
class TokenWindowBenchmarkTest {
    private static final int COLD = Integer.getInteger("ccsync.window.cold", 1);
    private static final int WARM = Integer.getInteger("ccsync.window.warm", 5);
    private static final long GOAL_MICROS = 2_000;

    @TempDir
    Path dir;

    private final List<Long> killSafe = new ArrayList<>();

    @Test
    void freshCliProcessWithTheFileStore() throws Exception {
        measure(false, true, COLD);
    }

    @Test
    void longRunningProcessWithTheFileStore() throws Exception {
        measure(false, false, WARM);
    }

    @Test
    void freshCliProcessWithTheJdbcStore() throws Exception {
        measure(true, true, COLD);
    }

    @Test
    void longRunningProcessWithTheJdbcStore() throws Exception {
        measure(true, false, WARM);
    }

    /**
     * The floor of this machine at this moment: a bare client (a blocking socket read, then a write and an fdatasync
     * into a file opened beforehand) timed the same way against the same sandbox. What ccsync adds is the difference.
     */
    @Test
    void floorOfThisMachineForTheSameMeasurement() throws Exception {
        List<Instant> sent = new CopyOnWriteArrayList<>();
        List<Long> windows = new ArrayList<>();
        List<Long> readToDurable = new ArrayList<>();
        int samples = Math.max(WARM, 5);
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withTokenRateLimit(100))) {
            sandbox.onTokenAnswer(a -> {
                if (a.writeStartedAt() != null) { // every answer here is one of the bare client's (a refusal)
                    sent.add(a.writeStartedAt());
                }
            });
            collect(run(command("floor", Integer.toString(samples), sandbox.tokenUrl(),
                    dir.resolve("floor.bin").toString()), Map.of(), Duration.ofMinutes(5)), sent, 0, windows,
                    readToDurable);
        }
        report(summary("floor (a bare client)", windows, readToDurable) + killSafe(), windows, readToDurable);
        assertThat(windows).hasSize(samples);
    }

    private String killSafe() {
        return String.format(Locale.ROOT, " | last byte read->safe from a kill µs: p50 %d p99 %d max %d",
                percentile(killSafe, 50), percentile(killSafe, 99), percentile(killSafe, 100));
    }

    private static void report(String line, List<Long> windows, List<Long> readToDurable) throws IOException {
        System.out.println(line);
        System.out.println("  samples (µs, server write started -> durable; last byte read -> durable): " + windows
                + "; " + readToDurable);
        String file = System.getProperty("ccsync.window.summary");
        if (file != null && !file.isBlank()) {
            Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
            Files.writeString(Path.of(file), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private void measure(boolean jdbc, boolean cold, int samples) throws Exception {
        List<Instant> sent = new CopyOnWriteArrayList<>();
        List<Long> windows = new ArrayList<>();
        List<Long> readToDurable = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRefreshMode(RefreshMode.ROTATING).withTokenRateLimit(100));
                HikariDataSource db = jdbc ? DatabaseConfiguration.pool("window-test", durablePostgres(), "postgres",
                        null) : null) {
            sandbox.onTokenAnswer(a -> {
                if (a.rotated()) {
                    sent.add(a.writeStartedAt());
                }
            });
            Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox,
                    dir.resolve("tokens.json")));
            TokenStore store;
            if (jdbc) {
                DatabaseConfiguration.applySchema(db);

                String account = "window-" + UUID.randomUUID();
                store = new JdbcTokenStore(db, db.getJdbcUrl(), account, TokenCipher.NONE, Duration.ofSeconds(60),
                        Duration.ofMinutes(1));
                settings.put("ccsync.token.store", "jdbc");
                settings.put("ccsync.db.url", durablePostgres());
                settings.put("ccsync.db.user", "postgres");
                settings.put("ccsync.token.account", account);
            } else {
                store = new FileTokenStore(dir.resolve("tokens.json"));
                settings.put("ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync") + ";AUTO_SERVER=TRUE");
            }
            authorize(sandbox, store);
            if (cold) {
                for (int i = 0; i < samples; i++) {
                    int before = sent.size();
                    List<String> lines = run(command("cli", "token", "refresh"), env(settings), Duration.ofMinutes(2));
                    collect(lines, sent, before, windows, readToDurable);
                }
            } else {
                List<String> args = new ArrayList<>(command("loop", Integer.toString(samples)));
                settings.forEach((k, v) -> args.add(k + "=" + v));
                collect(run(args, Map.of(), Duration.ofMinutes(5)), sent, 0, windows, readToDurable);
            }
        }
        report(summary((jdbc ? "jdbc" : "file") + (cold ? " fresh-cli" : " long-running"), windows,
                readToDurable) + killSafe(), windows, readToDurable);
        assertThat(windows).as("one timed answer per refresh").hasSize(samples);
        assertThat(readToDurable).as("answers kept at the HTTP layer (timed by the journal)").hasSize(samples)
                .allMatch(m -> m >= 0);
    }

    /**
     * A PostgreSQL of this class's own that syncs its WAL at each commit, as a production server does: the suite's
     * shared one runs with zonky's test defaults, fsync and synchronous_commit off, where a commit is not durable.
     */
    private static synchronized String durablePostgres() throws IOException {
        if (durable == null) {
            durable = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on").start();
            EmbeddedPostgres started = durable;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return durable.getJdbcUrl("postgres", "postgres");
    }

    private static EmbeddedPostgres durable;

    private void collect(List<String> lines, List<Instant> sent, int from, List<Long> windows,
            List<Long> readToDurable) {
        int k = from;
        for (String l : lines) {
            if (!l.startsWith("WINDOW ")) {
                continue;
            }
            String[] f = l.split(" ");
            Instant answered = sent.get(k++);
            long answeredMicros = answered.getEpochSecond() * 1_000_000 + answered.getNano() / 1_000;
            windows.add(Long.parseLong(f[1]) - answeredMicros);
            long journal = Long.parseLong(f[2]);
            if (journal >= 0) {
                readToDurable.add(journal);
                killSafe.add(Long.parseLong(f[4]));
            }
        }
    }

    static String summary(String what, List<Long> windows, List<Long> readToDurable) {
        long within = windows.stream().filter(w -> w <= GOAL_MICROS).count();
        return String.format(Locale.ROOT, "WINDOW %s n=%d answer sent->durable µs: min %d p50 %d p90 %d p99 %d max %d"
                + " (%d of %d within 2 ms) | last byte read->durable µs: p50 %d p99 %d max %d", what,
                windows.size(), percentile(windows, 0), percentile(windows, 50), percentile(windows, 90),
                percentile(windows, 99), percentile(windows, 100), within, windows.size(),
                percentile(readToDurable, 50), percentile(readToDurable, 99), percentile(readToDurable, 100));
    }

    /** Nearest-rank percentile; -1 for no samples. */
    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private void authorize(Sandbox sandbox, TokenStore store) {
        OAuthSettings oauth = OAuthSettings.from(key -> SandboxFixture.settings(sandbox, dir.resolve("tokens.json"))
                .getOrDefault(key, "contact_data offline_access"));
        TokenResponse response = TokenResponse.read(200, "application/json", SandboxLogin.login(sandbox),
                TokenResponse.Grant.AUTHORIZATION_CODE, oauth, Instant.now());
        store.write(store.read().authorized(response, Instant.now()));
    }

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String testLog = System.getProperty("ccsync.test.log");
        if (testLog != null) {
            command.add("-Dccsync.test.log=" + testLog);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WindowProbe.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Settings as the environment variables a real `ccsync` reads: ccsync.token.file → CCSYNC_TOKEN_FILE. */
    static Map<String, String> env(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v));
        return env;
    }

    private static List<String> run(List<String> command, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                lines.add(l);
            }
        } finally {
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(p.exitValue()).as("exit code; output:\n%s", String.join("\n", lines)).isZero();
        return lines;
    }
}
