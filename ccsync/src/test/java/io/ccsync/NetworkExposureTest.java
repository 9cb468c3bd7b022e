package io.ccsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.cli.Ccsync;
import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.FreePort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ccsync run` as shipped, in a JVM of its own: every socket it listens on is on loopback (the management server, and
 * the TCP servers that H2's AUTO_SERVER opens for the ccsync and CRM databases), found by the process's own socket
 * inodes in /proc/net/tcp and tcp6; the folder that holds its state is created owner-only; and a second process on
 * the machine still opens the database while run runs, as `ccsync check` and `ccsync token` do.
 */
class NetworkExposureTest {
    @TempDir
    Path dir;

    private Process run;

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null && run.isAlive()) {
            run.destroy();
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
        }
    }

    /** One listening socket: its address and port. */
    record Listener(InetAddress address, int port) {
    }

    @Test
    void runListensOnLoopbackOnlyAndKeepsItsStateOwnerOnly() throws Exception {
        int port = FreePort.get();
        Path data = dir.resolve("data");
        String dbUrl = "jdbc:h2:file:" + data.resolve("ccsync") + ";AUTO_SERVER=TRUE";
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Ccsync.class.getName(), "run", "--max-seconds", "120"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile());
        pb.environment().put("CAMEL_MANAGEMENT_PORT", Integer.toString(port));
        pb.environment().put("CCSYNC_TOKEN_FILE", data.resolve("tokens.json").toString());
        pb.environment().put("CCSYNC_DB_URL", dbUrl);
        pb.environment().put("CCSYNC_CRM_URL", "jdbc:h2:file:" + data.resolve("crm") + ";AUTO_SERVER=TRUE");
        pb.environment().put("CCSYNC_CRM_ENABLED", "true"); // its pool connects at start, so its H2 server opens
        pb.environment().put("CCSYNC_INBOX_DIR", data.resolve("inbox").toString());
        run = pb.start();

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> assertThat(http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(200, 503));
        int dbServer = h2ServerPort(data.resolve("ccsync.lock.db"));
        int crmServer = h2ServerPort(data.resolve("crm.lock.db"));

        List<Listener> listening = listeners(run.pid());

        assertThat(listening).extracting(Listener::port).as(log()).contains(port, dbServer, crmServer);
        assertThat(listening).as("every socket `ccsync run` listens on, in %s", listening)
                .allSatisfy(l -> assertThat(l.address().isLoopbackAddress()).as("%s", l).isTrue());
        for (Path folder : List.of(data, data.resolve("inbox"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).as("%s", folder)
                    .isEqualTo("rwx------");
        }
        // another process on this machine (ccsync check, ccsync token) reaches the database through the loopback server
        try (Connection c = DatabaseConfiguration.openExisting(dbUrl, "sa", "");
                ResultSet rows = c.createStatement().executeQuery("SELECT COUNT(*) FROM delivery_dead_letter")) {
            assertThat(rows.next()).isTrue();
        }
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("run.log"));
    }

    private static int h2ServerPort(Path lockFile) throws IOException {
        Properties lock = new Properties();
        try (var in = Files.newInputStream(lockFile)) {
            lock.load(in);
        }
        String server = lock.getProperty("server");
        assertThat(server).as("H2's AUTO_SERVER address in %s", lockFile).isNotNull();
        return Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    }

    /** The sockets in LISTEN state that belong to process {@code pid}. */
    static List<Listener> listeners(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing
                }
            }
        }
        List<Listener> out = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) { // 0A: LISTEN
                    String[] local = f[1].split(":");
                    out.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16)));
                }
            }
        }
        return out;
    }

    /** /proc/net's address: 32-bit words in host (little-endian) order. */
    private static InetAddress address(String hex) throws IOException {
        byte[] raw = HexFormat.of().parseHex(hex);
        byte[] ordered = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                ordered[word + i] = raw[word + 3 - i];
            }
        }
        return InetAddress.getByAddress(ordered);
    }
}
