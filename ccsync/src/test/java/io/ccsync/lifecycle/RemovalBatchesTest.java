package io.ccsync.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.store.DatabaseConfiguration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batches in ccsync's database: held over the limit, approved or discarded once, and what a removal forgets. */
class RemovalBatchesTest {
    private HikariDataSource db;
    private RemovalBatches batches;

    @BeforeEach
    void open() throws Exception {
        db = DatabaseConfiguration.pool("test", "jdbc:h2:mem:batches-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", "");
        DatabaseConfiguration.applySchema(db);
        batches = new RemovalBatches(() -> db, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void overTheLimitIsHeldUntilApprovedOnceAndAnEmailCountsOnce() throws Exception {
        long id = batches.open("x.removals.csv", RemovalPolicy.DELETE);
        batches.add(id, List.of("A@example.com", "a@example.com", "b@example.com"));
        assertThat(batches.add(id, List.of("b@example.com", "c@example.com"))).isEqualTo(3);

        assertThat(batches.close(id, 2, null).orElseThrow().state()).isEqualTo(RemovalBatches.State.HELD);
        assertThat(batches.next()).as("a held batch is not applied").isEmpty();
        assertThat(batches.approve(id)).isEqualTo(1);
        assertThat(batches.approve(id)).as("approved once").isZero();
        assertThat(batches.discard(id)).as("too late to discard").isZero();
        assertThat(batches.next().orElseThrow().state()).isEqualTo(RemovalBatches.State.APPLYING);
        assertThat(batches.emails(id)).containsExactly("a@example.com", "b@example.com", "c@example.com");
    }

    @Test
    void withinTheLimitGoesAtOnceAndAnEmptyBatchIsNone() throws Exception {
        long within = batches.open("crm", RemovalPolicy.REMOVE_FROM_LISTS);
        batches.add(within, List.of("a@example.com"));
        assertThat(batches.close(within, 100, null).orElseThrow().state()).isEqualTo(RemovalBatches.State.APPROVED);
        long empty = batches.open("crm", RemovalPolicy.REMOVE_FROM_LISTS);
        assertThat(batches.close(empty, 100, null)).isEmpty();
        assertThat(batches.list()).hasSize(1);
    }

    @Test
    void aDiscardedBatchKeepsNoEmails() throws Exception {
        long id = batches.open("x.removals.csv", RemovalPolicy.DELETE);
        batches.add(id, List.of("a@example.com"));
        batches.close(id, 0, null);
        assertThat(batches.discard(null)).isEqualTo(1);
        assertThat(batches.emails(id)).isEmpty();
        assertThat(batches.next()).isEmpty();
    }

    @Test
    void aRemovalForgetsTheFingerprintAndTheDeadLetter() throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO delivery_fingerprint (email, hash, delivered_at) VALUES "
                    + "('a@example.com', 'h', CURRENT_TIMESTAMP), ('b@example.com', 'h', CURRENT_TIMESTAMP)");
            st.execute("INSERT INTO delivery_dead_letter (origin, email, record, sign_up, reason, attempts, failed_at)"
                    + " VALUES ('f.csv line 2', 'A@Example.com', '{}', FALSE, '500', 6, CURRENT_TIMESTAMP)");
        }
        assertThat(batches.knownContacts()).isEqualTo(2);

        assertThat(batches.forget(List.of("a@example.com"))).as("dead letters dropped").isEqualTo(1);

        assertThat(batches.knownContacts()).isEqualTo(1);
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM delivery_dead_letter")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
