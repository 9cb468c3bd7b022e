package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.Postgres;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The inbox's read locks of several nodes in one PostgreSQL database: one holder per file, taken over when it dies. */
class SharedFileLocksTest {

    /** A new database with ccsync's schema, as ccsyncDb has it once a node started. */
    private static DataSource ccsyncDatabase() throws Exception {
        DataSource db = Postgres.database(Postgres.newDatabase());
        DatabaseConfiguration.applySchema(db);
        return db;
    }

    private static SharedFileLocks node(String name, DataSource db, Duration timeout) {
        return new SharedFileLocks(new Cluster(true, name, () -> db), timeout);
    }

    @Test
    void oneNodeHoldsAFileUntilItReleasesIt() throws Exception {
        DataSource db = ccsyncDatabase();
        SharedFileLocks a = node("a", db, Duration.ofMinutes(1));
        SharedFileLocks b = node("b", db, Duration.ofMinutes(1));

        assertThat(a.add("inbox/contacts.csv")).isTrue();
        assertThat(b.add("inbox/contacts.csv")).isFalse();
        assertThat(a.add("inbox/contacts.csv")).as("not twice, not even by its holder").isFalse();
        assertThat(b.contains("inbox/contacts.csv")).isTrue();
        assertThat(b.remove("inbox/contacts.csv")).as("b cannot release a's lock").isFalse();
        assertThat(b.add("inbox/contacts.csv")).isFalse();
        assertThat(b.add("inbox/other.csv")).isTrue();

        assertThat(a.remove("inbox/contacts.csv")).isTrue();
        assertThat(b.add("inbox/contacts.csv")).isTrue();
    }

    @Test
    void aLockItsNodeStoppedRenewingIsTakenOverAndARenewedOneIsNot() throws Exception {
        DataSource db = ccsyncDatabase();
        Duration timeout = Duration.ofMillis(1_500);
        SharedFileLocks alive = node("alive", db, timeout);
        SharedFileLocks dead = node("dead", db, timeout);
        SharedFileLocks other = node("other", db, timeout);
        alive.start(); // renews every timeout/4
        try {
            assertThat(alive.add("inbox/kept.csv")).isTrue();
            assertThat(dead.add("inbox/orphan.csv")).isTrue(); // and then it "dies": nothing renews it

            await().atMost(Duration.ofSeconds(10)).until(() -> other.add("inbox/orphan.csv"));
            assertThat(other.add("inbox/kept.csv")).as("renewed, so still alive's").isFalse();
            assertThat(dead.remove("inbox/orphan.csv")).as("the dead node's late release leaves the new holder's lock")
                    .isFalse();
            assertThat(other.contains("inbox/orphan.csv")).isTrue();
        } finally {
            alive.stop();
        }
    }

    @Test
    void manyNodesTryingTogetherGetOneLock() throws Exception {
        DataSource db = ccsyncDatabase();
        node("warm", db, Duration.ofMinutes(1)).contains("x"); // tables in place before the race
        int nodes = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Boolean>> tries = new java.util.ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            SharedFileLocks n = node("n" + i, db, Duration.ofMinutes(1));
            tries.add(pool.submit(() -> {
                go.await();
                return n.add("inbox/race.csv");
            }));
        }
        go.countDown();
        int won = 0;
        for (java.util.concurrent.Future<Boolean> t : tries) {
            won += t.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
    }
}
