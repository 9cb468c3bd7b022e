package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.store.DatabaseConfiguration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The refresh lease on its own, on H2: two pools on one database are two ccsync nodes. The store's fencing with it
 * is {@link JdbcTokenStoreContract}'s.
 */
class JdbcLeaseTest {
    private static final String URL = "jdbc:h2:mem:lease-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private static final Duration LENGTH = Duration.ofSeconds(3);

    private final List<HikariDataSource> pools = new ArrayList<>();
    private String account;

    @BeforeEach
    void account() {
        account = "test-" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        pools.forEach(HikariDataSource::close);
    }

    private HikariDataSource node() throws Exception {
        HikariDataSource pool = DatabaseConfiguration.pool("node-" + pools.size(), URL, null, null);
        pools.add(pool);
        DatabaseConfiguration.applySchema(pool);
        return pool;
    }

    private JdbcLease lease(HikariDataSource pool, Duration maxWait) {
        return new JdbcLease(pool, JdbcTokenStore.TABLE, account, LENGTH, maxWait, "test database (" + account + ")");
    }

    /** Read and changed through the first pool, which stays open: the observer. */
    private String column(String name) throws Exception {
        try (Connection c = pools.get(0).getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + name + " FROM token_state WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "no row";
            }
        }
    }

    private void setHolder(String holder, Instant until) throws Exception {
        try (Connection c = pools.get(0).getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE token_state SET lease_holder = ?, lease_until = ? WHERE account = ?")) {
            ps.setString(1, holder);
            ps.setTimestamp(2, Timestamp.from(until));
            ps.setString(3, account);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void theRowNamesTheHolderUntilItIsGivenBack() throws Exception {
        JdbcLease lease = lease(node(), Duration.ofSeconds(5));

        JdbcLease.Held held = lease.acquire();

        assertThat(column("lease_holder")).isEqualTo(held.holder()).contains("/" + ProcessHandle.current().pid() + "/");
        assertThat(column("lease_until")).isNotNull();
        assertThat(lease.stillHeld(held)).isTrue();
        lease.release(held);
        assertThat(column("lease_holder")).isNull();
        assertThat(column("lease_until")).isNull();
        assertThat(held.active()).isFalse();
        assertThat(lease.stillHeld(held)).isFalse();
    }

    @Test
    void aLiveHolderKeepsItPastOneLeaseLengthAndTheNextTakesItWhenGivenBack() throws Exception {
        JdbcLease a = lease(node(), Duration.ofSeconds(5));
        JdbcLease b = lease(node(), Duration.ofSeconds(60));
        JdbcLease.Held aHeld = a.acquire();

        CompletableFuture<JdbcLease.Held> bTakes = CompletableFuture.supplyAsync(b::acquire);
        // renewed every third of its length: still a's after twice that length
        await().during(LENGTH.multipliedBy(2)).atMost(LENGTH.multipliedBy(3)).until(() -> !bTakes.isDone());
        assertThat(a.stillHeld(aHeld)).isTrue();
        a.release(aHeld);

        JdbcLease.Held bHeld = bTakes.get(10, TimeUnit.SECONDS);
        assertThat(bHeld.holder()).isNotEqualTo(aHeld.holder());
        assertThat(column("lease_holder")).isEqualTo(bHeld.holder());
        b.release(bHeld);
    }

    @Test
    void aLeaseThatRanOutIsTakenOverAtOnce() throws Exception {
        node(); // the observer
        HikariDataSource dying = node();
        JdbcLease.Held dead = lease(dying, Duration.ofSeconds(5)).acquire();
        dying.close(); // no more renewals, no release
        setHolder(dead.holder(), Instant.now().minusSeconds(1)); // as it reads once one lease length has passed

        JdbcLease b = lease(node(), Duration.ofSeconds(5));
        long start = System.nanoTime();
        JdbcLease.Held taken = b.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LENGTH);
        assertThat(column("lease_holder")).isEqualTo(taken.holder());
        b.release(taken);
    }

    @Test
    void aHolderThatWasTakenOverLearnsItAtItsNextRenewalAndDoesNotClearTheNewHolder() throws Exception {
        node(); // the observer
        JdbcLease a = lease(node(), Duration.ofSeconds(5));
        JdbcLease.Held held = a.acquire();

        setHolder("node-b/1/frozen-test#1", Instant.now().plus(LENGTH)); // a froze, b took over

        await().atMost(LENGTH.multipliedBy(2)).until(() -> !held.active());
        assertThat(a.stillHeld(held)).isFalse();
        a.release(held);
        assertThat(column("lease_holder")).isEqualTo("node-b/1/frozen-test#1");
    }

    @Test
    void waitingLongerThanMaxWaitNamesTheHolderToCheck() throws Exception {
        JdbcLease a = lease(node(), Duration.ofSeconds(5));
        JdbcLease.Held held = a.acquire();
        JdbcLease impatient = lease(node(), Duration.ofSeconds(1));

        assertThatThrownBy(impatient::acquire).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("waited 1 s for the token refresh lease on test database")
                .hasMessageContaining(held.holder() + " keeps renewing")
                .hasMessageContaining("Check that instance");
        a.release(held);
    }

    @Test
    void aLeaseShorterThanThreeSecondsIsRefused() throws Exception {
        HikariDataSource pool = node();

        assertThatThrownBy(() -> new JdbcLease(pool, JdbcTokenStore.TABLE, account, Duration.ofSeconds(2),
                Duration.ofSeconds(5), "db")).hasMessageContaining("ccsync.token.lease must be at least 3s");
    }
}
