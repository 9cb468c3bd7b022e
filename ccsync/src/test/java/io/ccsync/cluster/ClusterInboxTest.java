package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.testing.Postgres;
import io.ccsync.testing.RunningCcsync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes watching one inbox folder in cluster mode, on a real PostgreSQL: every dropped file is read by one node,
 * each of its records delivered once, and the file moved once to done/ with one report.
 */
class ClusterInboxTest {

    @TempDir
    Path dir;

    private final List<RunningCcsync> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(RunningCcsync::close);
    }

    @Test
    void aFileDroppedIntoASharedInboxIsDeliveredOnceAndMovedOnce() throws Exception {
        String db = Postgres.newDatabase();
        List<RecordingDelivery.Delivered> delivered = RecordingDelivery.sink();
        for (String name : List.of("a", "b", "c")) {
            Map<String, String> settings = ClusterNodes.settings(db, dir);
            settings.put("ccsync.inbox.enabled", "true");
            settings.put("ccsync.inbox.poll-delay", "100");
            settings.put("ccsync.inbox.min-age", "200");
            settings.put("ccsync.source.chunk-size", "4");
            nodes.add(ClusterNodes.start(name, settings, null, new RecordingDelivery(name, delivered, 50)));
        }
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        int files = 12;
        int perFile = 10;
        for (int f = 0; f < files; f++) {
            StringBuilder csv = new StringBuilder("email,first_name\n");
            for (int r = 0; r < perFile; r++) {
                csv.append("file").append(f).append(".row").append(r).append("@example.com,Row\n");
            }
            Path tmp = dir.resolve("contacts-" + f + ".csv.writing");
            Files.writeString(tmp, csv);
            Files.move(tmp, inbox.resolve("contacts-" + f + ".csv")); // whole, as a careful sender drops it
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> list(inbox.resolve("done")).stream()
                .filter(n -> !n.endsWith(".report.txt")).count() == files && list(inbox).stream()
                .noneMatch(n -> n.endsWith(".csv")));
        await().atMost(Duration.ofSeconds(10)).until(() -> locks(Postgres.database(db)) == 0);

        List<String> done = list(inbox.resolve("done"));
        for (int f = 0; f < files; f++) {
            String name = "contacts-" + f + ".csv";
            assertThat(done.stream().filter(n -> n.endsWith("-" + name))).as(name + " in done/").hasSize(1);
            assertThat(done.stream().filter(n -> n.endsWith("-" + name + ".report.txt"))).as(name + "'s report")
                    .hasSize(1);
        }
        assertThat(list(inbox.resolve("error"))).isEmpty();
        Map<String, Long> perEmail = delivered.stream().collect(Collectors.groupingBy(
                RecordingDelivery.Delivered::email, Collectors.counting()));
        assertThat(perEmail).hasSize(files * perFile);
        assertThat(perEmail.values()).as("deliveries per record").allMatch(n -> n == 1);
        Map<String, List<String>> nodesPerFile = delivered.stream().collect(Collectors.groupingBy(
                d -> d.origin().replaceAll(" line .*", ""), TreeMap::new,
                Collectors.mapping(RecordingDelivery.Delivered::node, Collectors.collectingAndThen(
                        Collectors.toCollection(java.util.TreeSet::new), List::copyOf))));
        assertThat(nodesPerFile.values()).as("each file read by one node").allMatch(n -> n.size() == 1);
        System.out.printf("cluster inbox: %d files, %d records each delivered once; files per node %s%n", files,
                perEmail.size(), nodesPerFile.values().stream().collect(Collectors.groupingBy(n -> n.get(0),
                        TreeMap::new, Collectors.counting())));
    }

    private static List<String> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static int locks(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM inbox_lock")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
