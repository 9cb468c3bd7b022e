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
 * <p>This is the reduced form for every build. The full form (at least 200 completed refreshes per store) is
 * {@code reliability/crash}; by hand: {@code -Dccsync.crash.refreshes=N} (completed refreshes, at least),
 * {@code -Dccsync.crash.kills=N} (kills, at least), {@code -Dccsync.crash.before-kill=N} (at most N refreshes
 * between kills), {@code -Dccsync.crash.aimed=P} (P% of the kills aimed at 0 to 15 ms after the server rotates,
 * where the kept answer and the window are; 0 here), {@code -Dccsync.crash.seed=S} (replay the random choices),
 * {@code -Dccsync.crash.summary=FILE} (append the summary lines there).
 */
class CrashDuringRefreshTest {
    private static final int REFRESHES = Integer.getInteger("ccsync.crash.refreshes", 0);
    private static final int BEFORE_KILL = Integer.getInteger("ccsync.crash.before-kill", 2);
    private static final int AIMED = Integer.getInteger("ccsync.crash.aimed", 0);

    @TempDir
    Path dir;

    @Test
    void fileStoreKilledDuringRotatingRefreshesNeverLosesTheChain() throws Exception {
        run(CrashRun.Store.FILE, 1, 3);
    }

    @Test
    void jdbcStoreKilledDuringRotatingRefreshesNeverLosesTheChain() throws Exception {
        run(CrashRun.Store.JDBC, 1, 2);
    }

    @Test
    void twoNodesOnOneDatabaseKilledInTurnNeverLoseTheChain() throws Exception {
        run(CrashRun.Store.JDBC, 2, 3);
    }

    private void run(CrashRun.Store store, int nodes, int reducedKills) throws Exception {
        int kills = Integer.getInteger("ccsync.crash.kills", reducedKills);
        long seed = Long.getLong("ccsync.crash.seed", System.nanoTime());
        CrashRun.Result result;
        try (CrashRun run = new CrashRun(store, nodes, kills, REFRESHES, BEFORE_KILL, AIMED, seed, dir)) {
            result = run.run();
        }
        CrashRun.report(result);

        assertThat(result.problems()).as("failures other than a lost chain").isEmpty();
        assertThat(result.realLosses()).as("lost chains (outside the unavoidable window)").isEmpty();
        assertThat(result.calls().rejected()).as("invalid_grant answers other than the one of each window loss")
                .isEqualTo(result.invalidGrantsOfWindowLosses()).isEqualTo(result.windowLosses());
        assertThat(result.kills()).isGreaterThanOrEqualTo(kills);
        assertThat(result.refreshes()).as("completed refreshes").isGreaterThanOrEqualTo(REFRESHES)
                .isLessThanOrEqualTo(result.calls().succeeded()).isPositive();
    }
}
