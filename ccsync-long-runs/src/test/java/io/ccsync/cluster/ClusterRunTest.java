package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.auth.JdbcTokenStore;
import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.TokenCipher;
import io.ccsync.auth.TokenResponse;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.RefreshTokenCalls;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.Postgres;
import io.ccsync.testing.SandboxFixture;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster reliability run (issue 8): three ccsync nodes, each a JVM of its own (shipped config and routes, real
 * delivery), in cluster mode on one PostgreSQL with the jdbc token store, against the sandbox at Constant Contact's
 * real limits (4 API requests in any second, 1 token call a second) with 5-second access tokens and rotating refresh
 * tokens. Traffic for the whole run: new rows in a demo-like CRM table every few seconds (the CRM poll on, every 2 s)
 * and small CSV files dropped into the shared inbox every few seconds, every record with an email of its own; the
 * token keep-alive fires every second. Half way through one node is killed with SIGKILL and not restarted.
 *
 * <p>At the end (after a drain): every record is in the sandbox, written once; every file is in done/ once with one
 * report; the token endpoint answered no invalid_grant and no 429, and no two refreshes came within a second of each
 * other (never two nodes refreshing one token); the API answered no 429 (the sandbox counts requests by arrival in
 * any rolling second, so none means never more than 4 started in a second); nothing was dead-lettered, so any 401
 * was recovered. One summary line gives the figures.
 *
 * <p>{@link #reducedRun} (45 s of traffic) runs in the normal suite; {@link #fullRun} only with
 * {@code -Dccsync.full=true}, for {@code ccsync.cluster-run.seconds} (default 600): {@code reliability/cluster}.
 * {@code -Dccsync.cluster-run.summary-file=PATH} also writes the summary line there.
 */
class ClusterRunTest {
    private static final String PREFIX = "ccsync.cluster-run.";
    private static final Duration ACCESS_TTL = Duration.ofSeconds(5);
    private static final List<String> NAMES = List.of("a", "b", "c");

    @TempDir
    Path dir;

    private Sandbox sandbox;
    private HikariDataSource tokensDb;
    private final Map<String, Process> nodes = new LinkedHashMap<>();
    private final ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() throws Exception {
        traffic.shutdownNow();
        for (Process node : nodes.values()) {
            node.destroy(); // SIGTERM: a normal stop
        }
        for (Process node : nodes.values()) {
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (tokensDb != null) {
            tokensDb.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void reducedRun() throws Exception {
        run(Duration.ofSeconds(45), Duration.ofSeconds(60), "crm-poll");
    }

    @Test
    @EnabledIfSystemProperty(named = "ccsync.full", matches = "true")
    void fullRun() throws Exception {
        Duration duration = Duration.ofSeconds(Long.getLong(PREFIX + "seconds", 600));
        run(duration, Duration.ofSeconds(Long.getLong(PREFIX + "drain-seconds", 120)), "token-keepalive");
    }

    /**
     * @param defaultKill which node to kill half way unless {@code ccsync.cluster-run.kill} says: the one that ran the
     *                    latest {@code crm-poll} or {@code token-keepalive}, or a node's name (a, b, c)
     */
    private void run(Duration duration, Duration drainLimit, String defaultKill) throws Exception {
        long wallStart = System.nanoTime();
        String db = Postgres.newDatabase();
        DataSource crm = Postgres.database(db);
        createCrm(crm);
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withAccessTtl(ACCESS_TTL).withRefreshMode(RefreshMode.ROTATING));
        String key = randomKey();
        String account = "cluster-run";
        authorizeIntoTheDatabase(db, account, key);

        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path logs = Files.createDirectories(Path.of(System.getProperty("ccsync.surefire.reports",
                "target/surefire-reports")).getParent().resolve("cluster-run"));
        Map<String, String> settings = nodeSettings(db, account, key, inbox);
        for (String name : NAMES) {
            nodes.put(name, startNode(name, settings, logs.resolve("node-" + name + ".log")));
        }
        for (String name : NAMES) {
            awaitReady(name, logs.resolve("node-" + name + ".log"), Duration.ofSeconds(120));
        }

        // traffic: 2 CRM rows every 4 s, a file of 2 records every 5 s (about 1.8 API requests a second of the 4)
        Set<String> expected = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger crmRows = new AtomicInteger();
        AtomicInteger files = new AtomicInteger();
        List<Throwable> trafficFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long trafficStart = System.nanoTime();
        traffic.scheduleAtFixedRate(guarded(trafficFailures, () -> {
            List<String> emails = List.of("crm" + crmRows.incrementAndGet() + "@example.com",
                    "crm" + crmRows.incrementAndGet() + "@example.com");
            insertRows(crm, emails);
            expected.addAll(emails);
        }), 0, 4, TimeUnit.SECONDS);
        traffic.scheduleAtFixedRate(guarded(trafficFailures, () -> {
            int f = files.incrementAndGet();
            List<String> emails = List.of("file" + f + "-1@example.com", "file" + f + "-2@example.com");
            dropFile(staging, inbox, String.format("drop-%04d.csv", f), emails);
            expected.addAll(emails);
        }), 1, 5, TimeUnit.SECONDS);

        // half way: SIGKILL one node, no restart
        Thread.sleep(duration.toMillis() / 2);
        String role = System.getProperty(PREFIX + "kill", defaultKill);
        String victim = victim(role, logs);
        Process killed = nodes.remove(victim);
        killed.destroyForcibly();
        killed.waitFor(30, TimeUnit.SECONDS);
        long killedAt = (System.nanoTime() - trafficStart) / 1_000_000_000L;
        System.out.printf("cluster run: node %s (%s) killed (SIGKILL) %d s into the traffic%n", victim, role,
                killedAt);
        Thread.sleep(Math.max(0, duration.toMillis() - (System.nanoTime() - trafficStart) / 1_000_000));
        traffic.shutdown();
        assertThat(traffic.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        long trafficSeconds = (System.nanoTime() - trafficStart) / 1_000_000_000L;
        assertThat(trafficFailures).as("the traffic itself (inserting rows, dropping files)").isEmpty();

        // drain: until every record is in the sandbox and every file has moved, then a moment for stragglers
        long drainEnd = System.nanoTime() + drainLimit.toNanos();
        while (System.nanoTime() < drainEnd && !(delivered(expected).size() == expected.size()
                && doneFiles(inbox).size() == files.get() && inboxFiles(inbox).isEmpty())) {
            Thread.sleep(500);
        }
        Thread.sleep(3000);

        // the figures
        List<LoggedRequest> requests = sandbox.requests();
        List<LoggedRequest> api = requests.stream().filter(r -> r.path().startsWith("/v3/")).toList();
        List<LoggedRequest> token = requests.stream().filter(r -> r.path().endsWith("/v1/token")).toList();
        Set<String> delivered = delivered(expected);
        long contactWrites = api.stream().filter(ClusterRunTest::contactWrite).count();
        long duplicates = contactWrites - delivered.size();
        Map<String, Long> done = doneFiles(inbox);
        long doneOnce = done.values().stream().filter(n -> n == 2).count(); // the file and its report
        RefreshTokenCalls refreshes = sandbox.refreshTokenCalls();
        List<Instant> refreshTimes = token.stream().filter(r -> r.status() == 200).map(LoggedRequest::at).sorted()
                .skip(1).toList(); // the authorization-code exchange
        Duration minGap = minGap(refreshTimes);
        long invalidGrant = token.stream().filter(r -> r.status() == 400).count();
        long unauthorized = api.stream().filter(r -> r.status() == 401).count();
        long throttled = api.stream().filter(r -> r.status() == 429).count();
        long busiest = busiestSecond(api.stream().map(LoggedRequest::at).sorted().toList());
        long deadLetters = count(crm, "SELECT count(*) FROM delivery_dead_letter");
        long wallSeconds = (System.nanoTime() - wallStart) / 1_000_000_000L;
        long tokenSeconds = Duration.between(token.get(0).at(), Instant.now()).toSeconds(); // since the login
        long expiries = tokenSeconds / ACCESS_TTL.toSeconds();
        // 5-second tokens are refreshed at half-life (the margin is capped at half the lifetime) and JWT times are
        // whole seconds, so one refresh per token comes every 1.5 to 2.5 s: at most tokenSeconds / 1.5
        long refreshBound = tokenSeconds * 2 / 3 + 5;
        String summary = String.format("cluster run: nodes 3, duration %d s, node %s (ran the %s) killed at %d s, records %d, "
                        + "delivered %d, duplicates %d, files %d (in done/ once: %d), refreshes %d (bound %d; "
                        + "expiries %d; min gap %.1f s; token 429s %d), invalid_grant %d, 401s %d, 429s %d, "
                        + "max requests/s %d, dead letters %d, API requests %d, wall time %d s",
                trafficSeconds, victim, role, killedAt, expected.size(), delivered.size(), duplicates, files.get(),
                doneOnce, refreshes.succeeded(), refreshBound, expiries, minGap.toMillis() / 1000.0,
                refreshes.throttled(), invalidGrant, unauthorized, throttled, busiest, deadLetters, api.size(),
                wallSeconds);
        System.out.println(summary);
        writeSummary(summary);

        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(delivered);
        assertThat(missing).as("records not in the sandbox (node logs: %s)", logs).isEmpty();
        assertThat(duplicates).as("contacts written more than once").isZero();
        assertThat(inboxFiles(inbox)).as("files left in the inbox").isEmpty();
        assertThat(Files.exists(inbox.resolve("error"))).as("files moved to error/").isFalse();
        assertThat(done).as("done/: each dropped file once, with one report").hasSize(files.get())
                .allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(2L));
        assertThat(invalidGrant).as("invalid_grant answers").isZero();
        assertThat(refreshes.rejected()).as("refresh_token grants refused").isZero();
        assertThat(refreshes.throttled()).as("token calls within a second of another").isZero();
        assertThat(minGap).as("the shortest time between two refreshes (two nodes refreshing one token)")
                .isGreaterThan(Duration.ofMillis(900));
        assertThat((long) refreshes.succeeded()).as("refreshes: one per token").isBetween(1L, refreshBound);
        assertThat(throttled).as("API requests answered 429").isZero();
        assertThat(deadLetters).as("dead letters (a 401, or anything else, not recovered)").isZero();
    }

    // ---- set-up ----

    /** A demo-like CRM table (the columns config/mapping.yaml reads) in {@code crm}. */
    private static void createCrm(DataSource crm) throws Exception {
        try (Connection c = crm.getConnection(); Statement st = c.createStatement()) {
            st.execute("""
                    CREATE TABLE contacts (
                      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                      email VARCHAR(80) NOT NULL,
                      first_name VARCHAR(50),
                      last_name VARCHAR(50),
                      company VARCHAR(50),
                      job_title VARCHAR(50),
                      birthday DATE,
                      anniversary DATE,
                      phone VARCHAR(25),
                      mobile VARCHAR(25),
                      street VARCHAR(255),
                      city VARCHAR(50),
                      state VARCHAR(50),
                      postal_code VARCHAR(50),
                      country VARCHAR(50),
                      favourite_colour VARCHAR(50),
                      opted_out BOOLEAN DEFAULT FALSE NOT NULL,
                      updated_at TIMESTAMP DEFAULT clock_timestamp() NOT NULL
                    )""");
        }
    }

    /** A real authorization-code exchange, stored in the database as `ccsync authorize` stores it (jdbc store). */
    private void authorizeIntoTheDatabase(String db, String account, String key) throws Exception {
        tokensDb = DatabaseConfiguration.pool("cluster-run-test", db, "postgres", null);
        DatabaseConfiguration.applySchema(tokensDb);
        JdbcTokenStore store = new JdbcTokenStore(tokensDb, db, account, TokenCipher.fromSetting(key),
                Duration.ofSeconds(6), Duration.ofMinutes(1));
        String body = SandboxLogin.login(sandbox);
        Map<String, String> oauth = SandboxFixture.settings(sandbox, dir.resolve("unused.json"));
        TokenResponse response = TokenResponse.read(200, "application/json", body,
                TokenResponse.Grant.AUTHORIZATION_CODE,
                OAuthSettings.from(k -> oauth.getOrDefault(k, "contact_data offline_access")), Instant.now());
        store.write(store.read().authorized(response, Instant.now()));
        // the shipped mapping's custom field, which ccsync looks up at start
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox.apiUrl() + "/contact_custom_fields"))
                .header("Authorization", "Bearer " + store.read().accessToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"favourite_colour\",\"type\":\"string\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isLessThan(300);
    }

    /** What every node runs with: `ccsync run` settings for a three-node cluster on {@code db}. */
    private Map<String, String> nodeSettings(String db, String account, String key, Path inbox) {
        Map<String, String> s = new LinkedHashMap<>(SandboxFixture.settings(sandbox, dir.resolve("unused.json")));
        s.put("ccsync.cluster.enabled", "true");
        s.put("ccsync.cluster.checkin-interval", System.getProperty(PREFIX + "checkin-interval", "2000"));
        s.put("ccsync.cluster.file-lock-timeout", System.getProperty(PREFIX + "file-lock-timeout", "15000"));
        s.put("ccsync.db.url", db);
        s.put("ccsync.db.user", "postgres");
        s.put("ccsync.db.password", "");
        s.put("ccsync.token.store", "jdbc");
        s.put("ccsync.token.account", account);
        s.put("ccsync.token.encryption-key", key);
        s.put("ccsync.token.lease", System.getProperty(PREFIX + "token-lease", "6s"));
        s.put("ccsync.token.scheduler-enabled", "true");
        s.put("ccsync.optouts.enabled", "false");
        s.put("ccsync.token.refresh-cron", "* * * * * ?"); // the keep-alive every second, on one node at a time
        s.put("ccsync.crm.url", db);
        s.put("ccsync.crm.user", "postgres");
        s.put("ccsync.crm.password", "");
        s.put("ccsync.crm.enabled", "true");
        s.put("ccsync.crm.demo", "false");
        s.put("ccsync.crm.poll-delay", "2000");
        s.put("ccsync.inbox.enabled", "true");
        s.put("ccsync.inbox.dir", inbox.toString());
        s.put("ccsync.inbox.poll-delay", "1000");
        s.put("ccsync.inbox.min-age", "1000");
        s.put("ccsync.delivery.mode", "single"); // a find and a create per record: every write visible in the log
        return s;
    }

    private static Process startNode(String name, Map<String, String> settings, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dccsync.test.log=" + System.getProperty("ccsync.test.log", "target/test-logs/tests.log"),
                "-cp", System.getProperty("java.class.path"), ClusterRunNode.class.getName()));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        Files.deleteIfExists(log);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitReady(String name, Path log, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                    .anyMatch(l -> l.startsWith("READY "))) {
                return;
            }
            if (!nodes.get(name).isAlive()) {
                break;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("node " + name + " did not start; its log " + log + " ends:\n" + tail(log, 40));
    }

    /** The node named, or the one whose log shows the latest run of the route named (its Quartz job). */
    private String victim(String which, Path logs) throws IOException {
        if (nodes.containsKey(which)) {
            return which;
        }
        String marker = which.equals("token-keepalive") ? "token-keepalive - Token check:" : "crm-poll - CRM poll ";
        String victim = "b";
        String latest = "";
        for (String name : nodes.keySet()) {
            for (String line : Files.readAllLines(logs.resolve("node-" + name + ".log"), StandardCharsets.ISO_8859_1)) {
                // lines start with HH:mm:ss.SSS; the run is far shorter than a day
                if (line.contains(marker) && line.length() > 12 && line.substring(0, 12).compareTo(latest) > 0) {
                    latest = line.substring(0, 12);
                    victim = name;
                }
            }
        }
        return victim;
    }

    // ---- traffic ----

    private static Runnable guarded(List<Throwable> failures, Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        };
    }

    private static void insertRows(DataSource crm, List<String> emails) {
        try (Connection c = crm.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO contacts (email, first_name, last_name, company, city, country, favourite_colour) "
                        + "VALUES (?, ?, 'Cluster', 'ccsync', 'Springfield', 'US', 'teal')")) {
            for (String email : emails) {
                st.setString(1, email);
                st.setString(2, email.substring(0, email.indexOf('@')));
                st.addBatch();
            }
            st.executeBatch();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Written beside the inbox, then moved in at once: no node sees half a file. */
    private static void dropFile(Path staging, Path inbox, String name, List<String> emails) {
        StringBuilder csv = new StringBuilder("email,first_name,last_name,favourite_colour\n");
        for (String email : emails) {
            csv.append(email).append(',').append(email, 0, email.indexOf('@')).append(",Dropped,amber\n");
        }
        try {
            Path file = Files.writeString(staging.resolve(name), csv, StandardCharsets.UTF_8);
            Files.move(file, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- what happened ----

    private Set<String> delivered(Set<String> expected) {
        Set<String> found = new LinkedHashSet<>();
        for (ObjectNode contact : sandbox.contacts()) {
            String email = contact.path("email_address").path("address").asText();
            if (expected.contains(email)) {
                found.add(email);
            }
        }
        return found;
    }

    /** A request that wrote a contact: a create, an update or a sign-up form, answered with success. */
    private static boolean contactWrite(LoggedRequest r) {
        String path = r.path().replaceAll("\\?.*", "");
        boolean write = r.method().equals("POST") && (path.equals("/v3/contacts")
                || path.equals("/v3/contacts/sign_up_form"))
                || r.method().equals("PUT") && path.startsWith("/v3/contacts/");
        return write && r.status() >= 200 && r.status() < 300;
    }

    /** done/: per dropped file name, how many entries (the file and its report: 2). */
    private static Map<String, Long> doneFiles(Path inbox) throws IOException {
        Path done = inbox.resolve("done");
        if (!Files.isDirectory(done)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.map(p -> p.getFileName().toString())
                    .map(n -> n.substring(n.indexOf("drop-")).replace(".report.txt", ""))
                    .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
        }
    }

    private static List<Path> inboxFiles(Path inbox) throws IOException {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Duration minGap(List<Instant> times) {
        Duration min = Duration.ofDays(1);
        for (int i = 1; i < times.size(); i++) {
            Duration gap = Duration.between(times.get(i - 1), times.get(i));
            min = gap.compareTo(min) < 0 ? gap : min;
        }
        return min;
    }

    /** The most requests answered within any one second (by the log's answer times). */
    private static long busiestSecond(List<Instant> at) {
        long most = 0;
        int j = 0;
        for (int i = 0; i < at.size(); i++) {
            while (!at.get(j).plusSeconds(1).isAfter(at.get(i))) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    private static void writeSummary(String summary) throws IOException {
        String file = System.getProperty(PREFIX + "summary-file");
        if (file != null) {
            Path path = Path.of(file);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, summary + System.lineSeparator());
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
