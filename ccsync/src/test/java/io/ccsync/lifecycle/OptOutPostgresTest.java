package io.ccsync.lifecycle;

import static io.ccsync.lifecycle.OptOutBed.crmRows;
import static io.ccsync.lifecycle.OptOutBed.deliver;
import static io.ccsync.lifecycle.OptOutBed.email;
import static io.ccsync.lifecycle.OptOutBed.people;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.testing.Postgres;
import io.ccsync.testing.RunningCcsync;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-outs back to a real PostgreSQL CRM (embedded), with ccsync's own tables on PostgreSQL too: once across a
 * restart, and in cluster mode with two nodes on one database, where the poll runs on one node at a time and moves
 * to the other when its node stops.
 */
class OptOutPostgresTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    OptOutBed bed;
    private final List<RunningCcsync> nodes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        bed = new OptOutBed(dir);
    }

    @AfterEach
    void tearDown() {
        for (RunningCcsync node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                // stopped by the test already
            }
        }
        bed.close();
    }

    @Test
    void anUnsubscribeReachesAPostgresCrmOnceAcrossARestart() throws Exception {
        String url = Postgres.newDatabase();
        DataSource crm = Postgres.database(url);
        OptOutBed.createCrmTable(crm);
        Map<String, String> settings = bed.settings(url, url, "postgres", true);
        try (RunningCcsync ccsync = bed.start(settings)) {
            deliver(ccsync, people(1, 2));
            bed.sandbox.unsubscribe(email(1), "moved away");
            await().atMost(WAIT).until(() -> crmRows(crm).size() == 1);
            morePolls(3);
        }
        try (RunningCcsync again = bed.start(settings)) {
            morePolls(3);
            assertThat(crmRows(crm)).containsExactly(email(1) + "|moved away");
            assertThat(bed.fileLines()).hasSize(1);
        }
    }

    @Test
    void inClusterModeTwoNodesWriteEachOptOutOnceAndThePollMovesWhenANodeStops() throws Exception {
        String url = Postgres.newDatabase();
        DataSource crm = Postgres.database(url);
        OptOutBed.createCrmTable(crm);
        Map<String, String> settings = bed.settings(url, url, "postgres", true);
        settings.put("ccsync.cluster.enabled", "true");
        settings.put("ccsync.cluster.checkin-interval", "1000");
        settings.put("camel.main.jmxEnabled", "false"); // two CamelContexts in one JVM, as ClusterNodes explains
        nodes.add(bed.start(settings));
        nodes.add(bed.start(settings));
        deliver(nodes.get(0), people(1, 3));

        bed.sandbox.unsubscribe(email(1), null);
        await().atMost(WAIT).until(() -> crmRows(crm).size() == 1);
        morePolls(5);
        assertThat(crmRows(crm)).hasSize(1);

        nodes.get(0).close();
        bed.sandbox.unsubscribe(email(2), "gone");
        await().atMost(WAIT).until(() -> crmRows(crm).size() == 2);
        morePolls(3);
        assertThat(crmRows(crm)).containsExactly(email(1) + "|null", email(2) + "|gone");
        assertThat(bed.fileLines()).hasSize(2);
        assertThat(bed.files()).hasSize(2);
    }

    private void morePolls(int n) {
        int seen = bed.optOutRequests().size();
        await().atMost(WAIT).until(() -> bed.optOutRequests().size() >= seen + n);
    }
}
