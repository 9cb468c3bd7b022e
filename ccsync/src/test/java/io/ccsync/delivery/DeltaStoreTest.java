package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.contact.ContactFingerprint;
import io.ccsync.delivery.DeltaStore.Delta;
import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.sandbox.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delta filter's table: what is compared, and how a call's confirmed fingerprints are written. */
class DeltaStoreTest {
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");

    private final DataSource db = database();
    private final MutableClock clock = new MutableClock(NOW);
    /** Every statement the store prepares, in order. */
    private final List<String> statements = new ArrayList<>();
    private final DeltaStore store = new DeltaStore(() -> counting(db), clock);

    /** H2 here; PostgreSQL, the cluster's database, in {@link DeltaStorePostgresTest}. */
    DataSource database() {
        HikariDataSource db = DatabaseConfiguration.pool("delta-store-test",
                "jdbc:h2:mem:delta-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        try {
            DatabaseConfiguration.applySchema(db);
        } catch (Exception e) {
            db.close();
            throw new IllegalStateException(e);
        }
        return db;
    }

    @AfterEach
    void close() {
        if (db instanceof HikariDataSource pool) {
            pool.close();
        }
    }

    private static ContactFingerprint fp(int i, String hash) {
        return new ContactFingerprint("person" + i + "@example.com", hash);
    }

    @Test
    void aCallsFingerprintsAreOneStatementWithoutALookupNewAndKnownAlike() throws Exception {
        store.store(IntStream.range(0, 600).mapToObj(i -> fp(i, "a")).toList());
        statements.clear();

        // 300 known (200 of them changed), 1,200 new: more than one IN list's worth either way
        List<ContactFingerprint> next = IntStream.range(300, 1_800).mapToObj(i -> fp(i, i < 400 ? "b" : "a")).toList();
        store.store(next);

        assertThat(statements).as("one batched upsert, no SELECT before it").hasSize(1);
        assertThat(statements.get(0)).doesNotContainIgnoringCase("SELECT");
        assertThat(store.compare(next)).containsOnly(Delta.UNCHANGED);
        assertThat(store.compare(List.of(fp(0, "a"), fp(350, "a"), fp(5_000, "a"))))
                .containsExactly(Delta.UNCHANGED, Delta.CHANGED, Delta.NEW);
    }

    @Test
    void aChangedFingerprintReplacesTheRowAndItsTime() throws Exception {
        store.store(List.of(fp(1, "old")));
        clock.advance(Duration.ofHours(1));

        store.store(List.of(fp(1, "new")));

        assertThat(rows()).containsExactly("person1@example.com new " + Timestamp.from(NOW.plusSeconds(3600)));
    }

    @Test
    void theSameEmailTwiceInOneCallKeepsTheLastOne() throws Exception {
        store.store(List.of(fp(1, "first"), fp(2, "x"), fp(1, "last")));

        assertThat(store.compare(List.of(fp(1, "last"), fp(2, "x")))).containsOnly(Delta.UNCHANGED);
        assertThat(rows()).hasSize(2);
    }

    @Test
    void aRowAnotherNodeInsertedMeanwhileIsUpdatedNotAFailure() throws Exception {
        store.store(List.of(fp(1, "mine")));
        // another node delivered person2 between this node's comparison (NEW) and its write
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO delivery_fingerprint (email, hash, delivered_at) VALUES "
                    + "('person2@example.com', 'theirs', TIMESTAMP '2030-01-01 09:00:00')");
        }

        store.store(List.of(fp(2, "mine"), fp(3, "mine")));

        assertThat(store.compare(List.of(fp(1, "mine"), fp(2, "mine"), fp(3, "mine")))).containsOnly(Delta.UNCHANGED);
    }

    @Test
    void aBatchThatFailsLeavesNothingHalfWrittenAndTheRestGoesRowByRow() throws Exception {
        String tooLong = "x".repeat(400) + "@example.com"; // longer than the column: this row cannot be written

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.store(List.of(fp(1, "a"),
                new ContactFingerprint(tooLong, "a"), fp(3, "a")))).isInstanceOf(java.sql.SQLException.class);

        // row by row after the batch's rollback: those before the bad one are written, the bad one fails the call,
        // so the chunk fails and is sent again (never a fingerprint for a contact not written)
        assertThat(store.compare(List.of(fp(1, "a")))).containsExactly(Delta.UNCHANGED);
    }

    private List<String> rows() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT email, hash, delivered_at FROM delivery_fingerprint ORDER BY email");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getTimestamp(3));
            }
        }
        return out;
    }

    /** {@code db}, noting the SQL of every statement prepared on its connections. */
    private DataSource counting(DataSource db) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(db, method, args);
                    if (method.getName().equals("getConnection")) {
                        Connection c = (Connection) result;
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("prepareStatement")) {
                                        statements.add((String) a[0]);
                                    }
                                    return invoke(c, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
