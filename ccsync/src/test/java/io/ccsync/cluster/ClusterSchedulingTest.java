package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.cluster.Executions.Execution;
import io.ccsync.testing.Postgres;
import io.ccsync.testing.RunningCcsync;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled work in cluster mode, on a real PostgreSQL with three ccsync nodes in this JVM (and one in a child JVM for
 * the crash): the token keep-alive and the CRM poll run on one node at a time, and on another when that node stops or
 * dies, within the failover bound (check-in every second here, so a dead node is noticed after about 8.5 s).
 */
class ClusterSchedulingTest {
    /** What the brief allows a failover to take; with a 1 s check-in Quartz needs about 8.5 s to call a node dead. */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<RunningCcsync> nodes = new ArrayList<>();
    private final ScheduledExecutorService inserter = Executors.newSingleThreadScheduledExecutor();
    private Process child;

    @AfterEach
    void stopNodes() throws Exception {
        inserter.shutdownNow();
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (RunningCcsync node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                // already stopped
            }
        }
    }

    /** The CRM's contacts table in {@code db}, rows changing at increasing times. */
    private static void createCrm(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE contacts (id BIGSERIAL PRIMARY KEY, email VARCHAR(80) NOT NULL, "
                    + "updated_at TIMESTAMP NOT NULL)");
        }
    }

    private static void insert(DataSource db, int n) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO contacts (email, updated_at) VALUES (?, TIMESTAMP '2024-01-01 00:00:00' + ? * INTERVAL "
                        + "'1 second')")) {
            st.setString(1, "person" + n + "@example.com");
            st.setInt(2, n);
            st.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> settings(String db) {
        Map<String, String> s = ClusterNodes.settings(db, dir);
        s.put("ccsync.crm.poll-delay", "300");
        s.put("ccsync.token.scheduler-enabled", "true");
        s.put("ccsync.optouts.enabled", "false");
        // no overlap re-read: a node taking the poll over sends the overlap's rows again, which only the real delivery's
        // delta filter makes free, and this test counts every hand-over to delivery
        s.put("ccsync.crm.overlap", "0");
        s.put("ccsync.token.refresh-cron", "* * * * * ?"); // every second
        return s;
    }

    @Test
    void theKeepAliveAndTheCrmPollRunOnOneNodeAtATimeAndMoveWhenThatNodeStops() throws Exception {
        String db = Postgres.newDatabase();
        DataSource crm = Postgres.database(db);
        createCrm(crm);
        AtomicInteger rows = new AtomicInteger();
        inserter.scheduleWithFixedDelay(() -> insert(crm, rows.incrementAndGet()), 0, 40, TimeUnit.MILLISECONDS);
        Executions executions = new Executions("crm-poll", "token-keepalive");
        List<RecordingDelivery.Delivered> delivered = RecordingDelivery.sink();
        for (String name : List.of("a", "b", "c")) {
            nodes.add(ClusterNodes.start(name, settings(db), executions,
                    new RecordingDelivery(name, delivered, 150), "crm-poll"));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> executions.of("crm-poll").size() >= 15
                && executions.of("token-keepalive").size() >= 4);

        // stop the node that ran the latest poll; the poll and the keep-alive go on elsewhere
        List<Execution> polls = executions.of("crm-poll");
        String busy = polls.get(polls.size() - 1).node();
        int index = List.of("a", "b", "c").indexOf(busy);
        nodes.get(index).close();
        long stopped = System.currentTimeMillis();
        await().atMost(FAILOVER_BOUND).until(() -> executions.of("crm-poll").stream()
                .anyMatch(e -> e.start() > stopped) && executions.of("token-keepalive").stream()
                .anyMatch(e -> e.start() > stopped));
        long pollMoved = executions.of("crm-poll").stream().filter(e -> e.start() > stopped)
                .mapToLong(Execution::start).min().orElseThrow() - stopped;
        long keepAliveMoved = executions.of("token-keepalive").stream().filter(e -> e.start() > stopped)
                .mapToLong(Execution::start).min().orElseThrow() - stopped;

        // every row delivered once, whichever node polled
        inserter.shutdownNow();
        inserter.awaitTermination(5, TimeUnit.SECONDS);
        int inserted = rows.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() >= inserted);

        Map<String, Long> perEmail = delivered.stream().collect(Collectors.groupingBy(
                RecordingDelivery.Delivered::email, Collectors.counting()));
        assertThat(perEmail).hasSize(inserted);
        assertThat(perEmail.values()).as("deliveries per row").allMatch(n -> n == 1);
        for (String route : List.of("crm-poll", "token-keepalive")) {
            List<Execution> runs = executions.of(route);
            for (int i = 0; i + 1 < runs.size(); i++) {
                assertThat(runs.get(i + 1).start()).as(route + " run " + (i + 1) + " " + runs.get(i + 1)
                        + " starts after run " + i + " " + runs.get(i) + " ended").isGreaterThanOrEqualTo(
                        runs.get(i).end());
            }
            assertThat(runs.stream().map(Execution::scheduledFireTime).toList()).as(route + ": each firing once")
                    .doesNotHaveDuplicates();
            assertThat(runs.stream().filter(e -> e.start() > stopped)).as(route + " after the stop")
                    .noneMatch(e -> e.node().equals(busy));
        }
        System.out.printf("cluster scheduling: %d polls (%s), %d keep-alives (%s), %d rows each delivered once; "
                        + "node %s stopped: poll moved after %d ms, keep-alive after %d ms%n",
                executions.of("crm-poll").size(), perNode(executions.of("crm-poll")),
                executions.of("token-keepalive").size(), perNode(executions.of("token-keepalive")), inserted, busy,
                pollMoved, keepAliveMoved);
        assertThat(Duration.ofMillis(pollMoved)).isLessThan(FAILOVER_BOUND);
        assertThat(Duration.ofMillis(keepAliveMoved)).isLessThan(FAILOVER_BOUND);
    }

    @Test
    void aNodeKilledInTheMiddleOfAPollLeavesItToAnotherWithinTheBound() throws Exception {
        String db = Postgres.newDatabase();
        DataSource crm = Postgres.database(db);
        createCrm(crm);
        for (int n = 1; n <= 3; n++) {
            insert(crm, n);
        }
        Map<String, String> settings = settings(db);
        settings.put("ccsync.token.scheduler-enabled", "false");
        settings.put("ccsync.optouts.enabled", "false");
        child = startChild(settings);
        LinkedBlockingQueue<String> lines = readLines(child);
        String delivering = awaitLine(lines, "DELIVERING ", Duration.ofSeconds(90));
        assertThat(delivering).isEqualTo("DELIVERING person1@example.com,person2@example.com,person3@example.com");

        List<RecordingDelivery.Delivered> delivered = RecordingDelivery.sink();
        nodes.add(ClusterNodes.start("b", settings, null, new RecordingDelivery("b", delivered, 0), "crm-poll"));
        // the poll is the child's while it runs (Quartz: one execution of a stateful job in the whole cluster)
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(delivered::isEmpty);

        child.destroyForcibly(); // SIGKILL in the middle of the poll: no shutdown, no check-out
        child.waitFor(30, TimeUnit.SECONDS);
        long killed = System.currentTimeMillis();
        await().atMost(FAILOVER_BOUND).until(() -> delivered.size() >= 3);
        long moved = System.currentTimeMillis() - killed;

        assertThat(delivered).extracting(RecordingDelivery.Delivered::email)
                .containsExactly("person1@example.com", "person2@example.com", "person3@example.com");
        System.out.printf("cluster crash: the killed node's poll ran on node b %d ms after the kill%n", moved);
        assertThat(Duration.ofMillis(moved)).isLessThan(FAILOVER_BOUND);
    }

    @Test
    void ccsyncReplayDoesNotJoinTheSchedulerOfTheRunningNodes() throws Exception {
        String db = Postgres.newDatabase();
        DataSource crm = Postgres.database(db);
        createCrm(crm);
        Executions executions = new Executions("crm-poll");
        nodes.add(ClusterNodes.start("a", settings(db), executions, new RecordingDelivery("a", RecordingDelivery
                .sink(), 0), "crm-poll"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !executions.of("crm-poll").isEmpty());

        java.io.StringWriter out = new java.io.StringWriter();
        int exit = io.ccsync.cli.ReplayCommand.replay(null, settings(db), 100, new java.io.PrintWriter(out));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("nothing to replay");
        try (Connection c = crm.getConnection(); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM qrtz_scheduler_state")) {
            rs.next();
            assertThat(rs.getInt(1)).as("Quartz nodes that ever checked in").isEqualTo(1);
        }
    }

    private static String perNode(List<Execution> runs) {
        return runs.stream().collect(Collectors.groupingBy(Execution::node, java.util.TreeMap::new,
                Collectors.counting())).toString();
    }

    private static Process startChild(Map<String, String> settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ChildNode.class.getName()));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static LinkedBlockingQueue<String> readLines(Process process) {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
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

    private static String awaitLine(LinkedBlockingQueue<String> lines, String prefix, Duration within)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            String line = lines.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.add(line);
        }
        throw new AssertionError("no line starting with '" + prefix + "' from the child within " + within + "; it said:\n"
                + seen.stream().skip(Math.max(0, seen.size() - 40)).collect(Collectors.joining("\n")));
    }
}
