package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ccsync processes killed with SIGKILL at random moments of back-to-back rotating refreshes, restarted each time: the
 * refresh-token chain must survive every kill, with the file store, with the jdbc store on a real PostgreSQL, and with
 * two nodes refreshing the same account through that database while one or the other is killed.
 *
 * <p>The answer of the token endpoint is kept in the store the moment it arrives, and a restart (or the other node)
 * finishes an interrupted refresh from it. What no client can cover is a kill in the instant between the server
 * rotating the token and that first write: {@link CrashRun} counts such a loss apart, as a window loss, only on
 * evidence that the answer never reached the store, and fails on any other loss, on any invalid_grant that is not the
 * one a window loss causes, and on any other failure. Each run prints one summary line ({@code CRASH store=…}).
 *
 * <p>Cold kills: fresh `ccsync token refresh` processes (and, every fifth, a starting `ccsync run`) killed at a
 * uniformly random instant of their life. Aimed kills: 3, 5 and 10 ms (in turn) after the sandbox sent a rotated
 * pair, by its own clock; from 3 ms on the answer must be kept, so an aimed kill may lose no chain, unless the kernel
 * still held the answer unread on the child's connection when the kill landed (the child was not given a CPU since
 * it arrived; read from /proc/net/tcp just before the kill): that is a window loss, counted apart.
 *
 * <p>This is the reduced form for every build: one-node runs of 3 aimed kills (3, 5, 10 ms) and 3 cold processes (2
 * `token refresh`, 1 `run`). The full form (at least 200 completed refreshes per store) is
 * {@code reliability/crash}; by hand: {@code -Dccsync.crash.refreshes=N} (completed refreshes, at least),
 * {@code -Dccsync.crash.kills=N} (kills, at least), {@code -Dccsync.crash.before-kill=N} (at most N refreshes
 * between kills), {@code -Dccsync.crash.aimed=P} (P% of the kills aimed
 * at 3, 5 and 10 ms after the server answers; 100 here for one node), {@code -Dccsync.crash.cold=N} (fresh processes
 * of the cold part, per one-node store), {@code -Dccsync.crash.seed=S} (replay the random choices),
 * {@code -Dccsync.crash.summary=FILE} (append the summary lines there).
 */
class CrashDuringRefreshTest {
    private static final int REFRESHES = Integer.getInteger("ccsync.crash.refreshes", 0);
    private static final int BEFORE_KILL = Integer.getInteger("ccsync.crash.before-kill", 2);
    /** The reduced form aims every kill of a one-node run: one each at 3, 5 and 10 ms after the server answered. */
    private static final int AIMED = Integer.getInteger("ccsync.crash.aimed", 100);
    private static final int COLD = Integer.getInteger("ccsync.crash.cold", 3);

    @TempDir
    Path dir;

    @Test
    void fileStoreKilledDuringRotatingRefreshesAndColdStartsNeverLosesTheChain() throws Exception {
        run(CrashRun.Store.FILE, 1, 3, AIMED, COLD);
    }

    @Test
    void jdbcStoreKilledDuringRotatingRefreshesAndColdStartsNeverLosesTheChain() throws Exception {
        run(CrashRun.Store.JDBC, 1, 3, AIMED, COLD);
    }

    @Test
    void twoNodesOnOneDatabaseKilledInTurnNeverLoseTheChain() throws Exception {
        run(CrashRun.Store.JDBC, 2, 3, Integer.getInteger("ccsync.crash.aimed", 0), 0);
    }

    private void run(CrashRun.Store store, int nodes, int reducedKills, int aimed, int cold) throws Exception {
        int kills = Integer.getInteger("ccsync.crash.kills", reducedKills);
        long seed = Long.getLong("ccsync.crash.seed", System.nanoTime());
        CrashRun.Result result;
        try (CrashRun run = new CrashRun(store, nodes, kills, REFRESHES, BEFORE_KILL, aimed, cold, seed, dir)) {
            result = run.run();
        }
        CrashRun.report(result);

        assertThat(result.problems()).as("failures other than a lost chain").isEmpty();
        assertThat(result.realLosses()).as("lost chains (outside the unavoidable window)").isEmpty();
        assertThat(result.calls().rejected()).as("invalid_grant answers other than the one of each window loss")
                .isEqualTo(result.invalidGrantsOfWindowLosses()).isEqualTo(result.windowLosses());
        assertThat(result.kills()).isGreaterThanOrEqualTo(kills);
        assertThat(result.aims().values()).as("aimed kills (3 ms and more after the server answered) that lost "
                + "the chain of an answer the child had read").allSatisfy(aim -> assertThat(aim.lost).isZero());
        if (cold >= 2) {
            assertThat(result.cold().refreshCompleted).as("cold `ccsync token refresh` processes that refreshed")
                    .isPositive();
        }
        assertThat(result.refreshes()).as("completed refreshes").isGreaterThanOrEqualTo(REFRESHES)
                .isLessThanOrEqualTo(result.calls().succeeded()).isPositive();
    }
}
