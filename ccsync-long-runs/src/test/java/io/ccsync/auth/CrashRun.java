package io.ccsync.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.RefreshTokenCalls;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.Postgres;
import io.ccsync.testing.SandboxFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The crash run behind {@link CrashDuringRefreshTest}: ccsync child JVMs ({@link RefreshLoop}) refreshing back to back
 * against the sandbox in rotating mode, at its real limit of one token call per second, killed with SIGKILL at random
 * instants and restarted, until at least {@code minKills} kills and {@code minRefreshes} completed refreshes.
 *
 * <p><b>What counts as a lost chain, and what does not.</b> A chain is lost when the store no longer holds a refresh
 * token the server accepts (neither the stored pair nor, behind a crash marker, the kept answer). After every kill
 * the test checks exactly that, asking the sandbox whether the stored token is still alive without spending it. One
 * loss no client can prevent is counted apart, as a <i>window loss</i>: the kill landed after the server rotated the
 * token and before ccsync's first write of the answer (the server has spent the old token, the new one existed only
 * in the dead process). A loss is put in the window only on evidence that the rotated answer never reached the store:
 * <ul>
 * <li>file store: the server made one more rotation during the child's life than the child logged kept answers (the
 * DEBUG line of {@link TokenAnswerJournal} that follows the keep at the HTTP layer, or of
 * {@link TokenRefreshSteps#response} where that hook did not keep it). A child killed between the keep and that
 * line still has the answer in the store, so its chain is intact and no loss is classified;</li>
 * <li>jdbc store: a PostgreSQL trigger records every committed refresh token and kept answer of the row; a rotation
 * whose token never appears there was never written. The children's logs must agree: exactly one rotation since the
 * last authorization without a kept-answer line (with one node, in the killed child's log).</li>
 * </ul>
 * Every other loss is a real one and fails the run. Every window loss is confirmed by a restart that must report it
 * ({@code LOST}, one invalid_grant), and the account is then authorized again so the run can go on.
 */
final class CrashRun implements AutoCloseable {
    enum Store { FILE, JDBC }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEPT = "Kept the token endpoint's answer";
    private static final String FINISHED_ON_START = "On start: finished the token refresh interrupted";
    private static final String FINISHED_FROM_KEPT = "Finished the token refresh interrupted";
    private static final Duration PROGRESS_TIMEOUT = Duration.ofMinutes(3);
    /** The cycle at one token call per second (a 429 and its 1 s retry included): a kill at a random instant of it. */
    private static final int CYCLE_MICROS = 1_200_000;
    /**
     * Aimed kills land this long after the sandbox sent a rotated pair (its clock, right after the write returned),
     * in turn: from 3 ms on the answer must be kept, so no chain may be lost.
     */
    static final int[] AIMS_MICROS = {3_000, 5_000, 10_000};
    /** Kept after the run (the build's surefire reports): where a stopped child's threads stood. */
    private static final Path EVIDENCE = Path.of(System.getProperty("ccsync.surefire.reports",
            System.getProperty("java.io.tmpdir")));
    /** A cold `ccsync token refresh` is killed this often (percent); the others run to their end and count. */
    private static final int COLD_KILL_PERCENT = 70;

    private final Store store;
    private final int nodes;
    private final int minKills;
    private final int minRefreshes;
    private final int maxRefreshesBeforeKill;
    private final int aimedPercent;
    private final long seed;
    private final Random random;
    private final Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Child> running = new ArrayList<>();
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private Sandbox sandbox;
    private TokenStore view; // the test's own handle on the store the children use
    private HikariDataSource db;
    private String account;
    private List<String> childArgs;
    private Map<String, String> childEnv;

    // what the run found
    private int kills;
    private final Map<AtRest, Integer> atRest = new java.util.EnumMap<>(AtRest.class);
    private int aimed;
    private int refreshes;
    private int finishedFromKept;
    private int windowLosses;
    private int invalidGrantsOfWindowLosses;
    private long auditMark;
    private int rotationsAtAuthorization;
    private final AtomicInteger keptAnswers = new AtomicInteger(); // kept-answer log lines of every child
    private int keptAtAuthorization;
    private Duration lastStartup = Duration.ofSeconds(4);
    private final List<String> windowDetails = new ArrayList<>();
    private final List<String> realLosses = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private long started;
    private Instant lastKillAt = Instant.now();
    private String lastKill = "no kill";
    private boolean nextKillAimed;
    private int nextAimMicros;
    private final LinkedBlockingQueue<Sandbox.TokenAnswer> rotations = new LinkedBlockingQueue<>();
    private final Map<Integer, Aim> aims = new java.util.TreeMap<>();
    private final int coldProcesses;
    private final Cold cold = new Cold();

    /** Aimed kills at one offset: how many, how many lost the chain, and how late the kill really came. */
    static final class Aim {
        int kills;
        int lost;
        /** Kills that found the answer still unread in the child's socket: the child had not run since it came. */
        int unreadAtKill;
        /** Of those, the ones whose chain was lost (window losses: no process can keep bytes it was not run to read). */
        int lostUnread;
        final List<Long> actualMicros = new ArrayList<>();

        @Override
        public String toString() {
            List<Long> sorted = new ArrayList<>(actualMicros);
            java.util.Collections.sort(sorted);
            return kills + " kills, " + lost + " lost chains, " + lostUnread + " window losses (answer unread in the "
                    + "child's socket at the kill: " + unreadAtKill + " kills)" + (sorted.isEmpty() ? "" : " (landed " + sorted.get(0)
                    + " to " + sorted.get(sorted.size() - 1) + " µs after the answer, median "
                    + sorted.get(sorted.size() / 2) + ")");
        }
    }

    /** The cold part: fresh `ccsync token refresh` processes and starting `ccsync run`s, killed at random. */
    static final class Cold {
        int refreshProcesses;
        int refreshKills;
        int refreshCompleted;
        int runProcesses;
        int runKills;

        @Override
        public String toString() {
            return "cold token refresh processes=" + refreshProcesses + " (killed " + refreshKills + ", completed "
                    + refreshCompleted + "), starting runs killed=" + runKills;
        }
    }

    /**
     * @param aimedPercent the share of kills aimed 3, 5 or 10 ms after the server rotated instead of
     *                     a random instant of the whole cycle: where a kept answer must be finished, and where the
     *                     unavoidable window is, which uniform kills hit about once in a few hundred
     */
    CrashRun(Store store, int nodes, int minKills, int minRefreshes, int maxRefreshesBeforeKill, int aimedPercent,
            long seed, Path dir) {
        this(store, nodes, minKills, minRefreshes, maxRefreshesBeforeKill, aimedPercent, 0, seed, dir);
    }

    /**
     * @param coldProcesses how many fresh ccsync processes the cold part starts (a `ccsync token refresh`, every fifth a
     *                      `ccsync run`), each killed at a uniformly random instant of its life (or, for the share
     *                      {@code aimedPercent} of the refreshes, at 3, 5 or 10 ms after the server answered it)
     */
    CrashRun(Store store, int nodes, int minKills, int minRefreshes, int maxRefreshesBeforeKill, int aimedPercent,
            int coldProcesses, long seed, Path dir) {
        this.coldProcesses = coldProcesses;
        this.store = store;
        this.nodes = nodes;
        this.minKills = minKills;
        this.minRefreshes = minRefreshes;
        this.maxRefreshesBeforeKill = Math.max(1, maxRefreshesBeforeKill);
        this.aimedPercent = aimedPercent;
        this.seed = seed;
        this.random = new Random(seed);
        this.dir = dir;
    }

    /** The figures of a finished run. */
    record Result(Store store, int nodes, int kills, int aimed, Map<AtRest, Integer> atRest, int refreshes, int finishedFromKept, List<String> realLosses,
            int windowLosses, List<String> windowDetails, RefreshTokenCalls calls, int invalidGrantsOfWindowLosses,
            List<String> problems, Duration wall, long seed, Map<Integer, Aim> aims, Cold cold) {

        /** The aimed kills per offset and the cold part, one line each. */
        List<String> details() {
            List<String> lines = new ArrayList<>();
            aims.forEach((micros, aim) -> lines.add("  aimed at " + micros / 1_000 + " ms: " + aim));
            if (cold.refreshProcesses + cold.runProcesses > 0) {
                lines.add("  " + cold);
            }
            return lines;
        }

        String summary() {
            return String.format("CRASH store=%s nodes=%d kills=%d (aimed %d) refreshes=%d lost_chains=%d "
                    + "window_losses=%d invalid_grant=%d (of window losses: %d) token_calls=%d (rotated %d, "
                    + "throttled %d, invalid_grant %d) finished_from_kept_answer=%d%s problems=%d wall=%ds seed=%d",
                    store.name().toLowerCase(), nodes, kills, aimed, refreshes, realLosses.size(), windowLosses,
                    calls.rejected(), invalidGrantsOfWindowLosses, calls.total(), calls.succeeded(), calls.throttled(),
                    calls.rejected(), finishedFromKept, atRest.isEmpty() ? "" : " at_rest(between/marked/kept/lost)="
                    + atRest.getOrDefault(AtRest.BETWEEN_REFRESHES, 0) + "/"
                    + atRest.getOrDefault(AtRest.MARKED_NOT_ROTATED, 0) + "/"
                    + atRest.getOrDefault(AtRest.KEPT_TO_FINISH, 0) + "/" + atRest.getOrDefault(AtRest.LOST, 0),
                    problems.size(), wall.toSeconds(), seed);
        }
    }

    Result run() throws Exception {
        started = System.nanoTime();
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRefreshMode(RefreshMode.ROTATING)); // the real limit: one token call per second
        open.add(sandbox);
        sandbox.onTokenAnswer(a -> {
            if (a.rotated()) {
                rotations.add(a);
            }
        });
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        if (store == Store.FILE) {
            view = new FileTokenStore(dir.resolve("tokens.json"));
            // ccsync's own database (the delivery history) is opened at start too: this run's, not ./data's.
            settings.put("ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync") + ";AUTO_SERVER=TRUE");
        } else {
            account = "crash-" + UUID.randomUUID();
            String url = Postgres.url();
            db = DatabaseConfiguration.pool("crash-test", url, "postgres", null);
            open.add(db);
            DatabaseConfiguration.applySchema(db);
            installAudit();
            view = new JdbcTokenStore(db, db.getJdbcUrl(), account, TokenCipher.NONE, Duration.ofSeconds(5),
                    Duration.ofMinutes(1));
            settings.put("ccsync.token.store", "jdbc");
            settings.put("ccsync.db.url", url);
            settings.put("ccsync.db.user", "postgres");
            settings.put("ccsync.token.account", account);
            // A killed holder's lease runs out after 5 s (renewed every 1.7 s while a live node refreshes).
            settings.put("ccsync.token.lease", "5s");
        }
        childArgs = new ArrayList<>();
        settings.forEach((k, v) -> childArgs.add(k + "=" + v));
        childEnv = TokenWindowBenchmarkTest.env(settings);
        authorize();
        if (nodes == 1) {
            if (minKills > 0) {
                oneNode();
            }
            if (problems.isEmpty()) {
                coldPart();
            }
        } else {
            twoNodes();
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        return new Result(store, nodes, kills, aimed, Map.copyOf(atRest), refreshes, finishedFromKept, List.copyOf(realLosses), windowLosses,
                List.copyOf(windowDetails), sandbox.refreshTokenCalls(), invalidGrantsOfWindowLosses,
                List.copyOf(problems), wall, seed, aims, cold);
    }

    // ---- one node: kill, check the store at rest, restart ----

    private void oneNode() throws Exception {
        boolean last = false;
        while (problems.isEmpty()) {
            last = kills >= minKills && refreshes >= minRefreshes;
            Child child = start(0);
            boolean duringStart = !last && random.nextInt(100) < 15;
            if (duringStart) {
                // A random instant of start-up: finishing an interrupted refresh on start is exposed too.
                TimeUnit.MILLISECONDS.sleep(random.nextLong(Math.max(1, lastStartup.toMillis())));
            } else {
                int waitFor = last ? 1 : 1 + random.nextInt(maxRefreshesBeforeKill);
                if (!awaitRefreshes(child, waitFor)) {
                    if (child.lost != null) {
                        child.reap();
                        tally(child);
                        lostAfterIntactKill(child);
                        continue;
                    }
                    break; // a problem was recorded
                }
                if (!last) {
                    pickTheInstant();
                }
            }
            Instant killedAt = kill(child);
            settle();
            tally(child);
            checkAtRest(child, killedAt);
            if (last) {
                break;
            }
        }
    }

    /**
     * The child is dead and the token endpoint quiet: does the store still hold a token the server accepts? If not,
     * classify the loss, confirm it with a restart, and authorize again.
     */
    private void checkAtRest(Child child, Instant killedAt) throws Exception {
        int rotations = sandbox.refreshTokenCalls().succeeded() - child.rotationsAtStart;
        int unkeptByLog = rotations - child.kept.get();
        AtRest found = atRest();
        if (nodes == 1) {
            atRest.merge(found, 1, Integer::sum);
        }
        if (found != AtRest.LOST) {
            return;
        }
        String when = sinceLastRotation(killedAt);
        boolean window;
        String evidence;
        if (store == Store.FILE) {
            window = unkeptByLog == 1;
            evidence = "the server rotated " + rotations + " time(s) during the child's life and the child kept "
                    + child.kept.get() + " answer(s)";
        } else {
            int unkeptByAudit = unkeptByAudit();
            window = unkeptByAudit == 1 && unkeptByLog == 1;
            evidence = "answers never committed to the row since the last authorization: " + unkeptByAudit
                    + "; rotations during the child's life " + rotations + ", answers it logged kept "
                    + child.kept.get();
        }
        confirmLost(lastKill + " (" + when + "): " + evidence, window);
    }

    /** A restart after an intact kill said LOST: the chain was lost by ccsync itself. */
    private void lostAfterIntactKill(Child child) throws Exception {
        realLosses.add("after " + lastKill + " the store held a live token, yet the next start lost the chain: "
                + child.lost + "\n" + child.tail());
        authorize();
    }

    // ---- two nodes on one database: kill one or the other, restart it at once ----

    private void twoNodes() throws Exception {
        Child[] node = {start(0), start(1)};
        bothNodes = node;
        int sinceKill = 0;
        int waitFor = 1 + random.nextInt(maxRefreshesBeforeKill);
        while (problems.isEmpty() && (kills < minKills || refreshes + inFlightRefreshes(node) < minRefreshes)) {
            Event e = events.poll(PROGRESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (e == null) {
                problems.add("no refresh for " + PROGRESS_TIMEOUT + "\n" + node[0].tail() + "\n" + node[1].tail());
                break;
            }
            if (e.child != node[0] && e.child != node[1]) {
                continue; // from a child already killed; its counts are tallied at reaping
            }
            switch (e.kind) {
                case REFRESHED -> {
                    if (++sinceKill < waitFor) {
                        continue;
                    }
                    int victim = pickTheInstant() ? aimedNode : random.nextInt(2);
                    kill(node[victim]);
                    tally(node[victim]);
                    node[victim] = start(victim);
                    sinceKill = 0;
                    waitFor = 1 + random.nextInt(maxRefreshesBeforeKill);
                }
                case LOST -> {
                    Instant at = lastKillAt;
                    for (Child c : node) {
                        kill(c);
                    }
                    settle();
                    for (Child c : node) {
                        tally(c);
                    }
                    String detail = "after " + lastKill + " (" + sinceLastRotation(at) + "), node " + e.child.node
                            + " said " + e.child.lost + "; " + unkeptSinceAuthorization();
                    boolean window = inWindow() && (lastAim == null || lastKillUnread > 0); // read by 3 ms: kept
                    if (lastAim != null) {
                        if (window) {
                            lastAim.lostUnread++;
                        } else {
                            lastAim.lost++;
                        }
                        lastAim = null;
                    }
                    invalidGrantsOfWindowLosses += window ? sandbox.refreshTokenCalls().rejected()
                            - rejectedAtAuthorization : 0;
                    if (window) {
                        windowLosses++;
                        windowDetails.add(detail);
                    } else {
                        realLosses.add(detail + "\n" + e.child.tail());
                    }
                    authorize();
                    node[0] = start(0);
                    node[1] = start(1);
                    sinceKill = 0;
                }
                case FAILED -> problems.add("node " + e.child.node + ": " + e.child.failed + "\n" + e.child.tail());
            }
        }
        Instant at = Instant.now();
        for (Child c : node) {
            kill(c);
        }
        settle();
        for (Child c : node) {
            tally(c);
        }
        if (!problems.isEmpty()) {
            return;
        }
        // Both at rest now: the same check as with one node, then one more start that must refresh.
        if (!intact()) {
            confirmLost("the final kill of both nodes (" + sinceLastRotation(at) + "): " + unkeptSinceAuthorization(),
                    inWindow());
        }
        Child last = start(0);
        if (awaitRefreshes(last, 1)) {
            Instant killedAt = kill(last);
            settle();
            tally(last);
            checkAtRest(last, killedAt);
        } else if (last.lost != null) {
            last.reap();
            tally(last);
            lostAfterIntactKill(last);
        }
    }

    /**
     * With two nodes: a loss is in the window when exactly one rotation since the last authorization never reached
     * the row (audit) and, in agreement, exactly one rotation has no kept-answer line in any child's log. A kept
     * answer that was logged but never committed, or committed and still lost, is a real loss.
     */
    private boolean inWindow() throws SQLException {
        return unkeptByAudit() == 1 && unkeptByLog() == 1;
    }

    private String unkeptSinceAuthorization() throws SQLException {
        return "since the last authorization the server rotated "
                + (sandbox.refreshTokenCalls().succeeded() - rotationsAtAuthorization) + " time(s); answers never "
                + "committed to the row: " + unkeptByAudit() + ", answers no child logged kept: " + unkeptByLog();
    }

    private int unkeptByLog() {
        return sandbox.refreshTokenCalls().succeeded() - rotationsAtAuthorization
                - (keptAnswers.get() - keptAtAuthorization);
    }

    /**
     * Sleeps until the kill: a random instant of the next refresh cycle (before the call, in flight, while the answer
     * is kept, while the pair is stored), or, for an aimed kill, 3, 5 or 10 ms (in turn) after the sandbox sent the
     * next rotated pair. True when the kill is aimed.
     */
    private boolean pickTheInstant() throws InterruptedException, SQLException {
        if (random.nextInt(100) >= aimedPercent) {
            TimeUnit.MICROSECONDS.sleep(random.nextInt(CYCLE_MICROS));
            return false;
        }
        return aimAtTheNextAnswer(Duration.ofSeconds(5));
    }

    /**
     * Waits for the sandbox to send the next rotated pair, then until the next aim's offset after it; false (no aim)
     * when no rotation came within {@code patience}. The kill must follow at once.
     */
    private boolean aimAtTheNextAnswer(Duration patience) throws InterruptedException, SQLException {
        rotations.clear(); // an answer sent before now is not the one to aim at
        Sandbox.TokenAnswer answer = rotations.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            return false;
        }
        int offset = AIMS_MICROS[aimed % AIMS_MICROS.length];
        long at = answer.sentNanos() + offset * 1_000L;
        if (bothNodes != null) {
            aimedNode = holder(bothNodes); // now, while the node the server answered still holds the lease
        }
        for (long left; (left = at - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
        aimed++;
        nextKillAimed = true;
        nextAimMicros = offset;
        aimSentNanos = answer.sentNanos();
        return true;
    }

    private long aimSentNanos;
    /** A two-node run's nodes (null with one node), and the one an aimed kill chose when the answer came. */
    private Child[] bothNodes;
    private int aimedNode;
    private Aim lastAim;
    private long lastKillUnread;
    private Path lastKillThreads; // where the stopped child's threads stood, when an aimed kill found the answer unkept

    /** The node that holds the refresh lease (the one whose call the server just answered), else either. */
    private int holder(Child[] node) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT lease_holder FROM token_state WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                String holder = rs.next() ? rs.getString(1) : null;
                for (int i = 0; i < node.length; i++) {
                    if (holder != null && holder.contains("/" + node[i].process.pid() + "/")) {
                        return i;
                    }
                }
            }
        }
        return random.nextInt(2);
    }

    private int inFlightRefreshes(Child[] node) {
        return node[0].refreshed.get() + node[0].finishedOnStart.get() + node[1].refreshed.get()
                + node[1].finishedOnStart.get();
    }

    // ---- shared steps ----

    private int rejectedAtAuthorization;

    /**
     * The store has no live token: a restart must say so (LOST, after one invalid_grant), then the account is
     * authorized again. {@code window}: the evidence shows the rotated answer never reached the store.
     */
    private void confirmLost(String detail, boolean window) throws Exception {
        if (lastAim != null) {
            // 3 ms and more after the server answered the answer must have been kept, unless the child was never run
            // to read it: the kernel still held it, unread, when the kill landed (the machine's CPUs, not ccsync)
            window = lastKillUnread > 0;
            if (window) {
                lastAim.lostUnread++;
                detail += "; the answer (" + lastKillUnread + " bytes) was still unread in the child's socket";
            } else {
                lastAim.lost++;
                if (lastKillThreads != null) {
                    detail += "; where the child's threads stood when it was stopped: " + lastKillThreads;
                }
            }
            lastAim = null;
        }
        Child confirm = start(0);
        Event e;
        do {
            e = events.poll(PROGRESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } while (e != null && e.child != confirm);
        String said = e == null ? "nothing" : e.kind == Kind.LOST ? confirm.lost : e.kind.name();
        if (e == null || e.kind != Kind.LOST) {
            problems.add("the store held no live token after " + detail + ", yet the restart said " + said
                    + "\n" + confirm.tail());
        }
        kill(confirm);
        tally(confirm);
        settle();
        if (window) {
            windowLosses++;
            windowDetails.add(detail);
            invalidGrantsOfWindowLosses += sandbox.refreshTokenCalls().rejected() - rejectedAtAuthorization;
        } else {
            realLosses.add(detail + "; the restart said " + said + "\n" + confirm.tail());
        }
        authorize();
    }

    /** Waits for {@code count} refreshes of this child; false on LOST, FAILED (recorded) or no progress. */
    private boolean awaitRefreshes(Child child, int count) throws InterruptedException {
        long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
        while (child.refreshed.get() < count) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                problems.add("child " + child.node + " made " + child.refreshed.get() + " of " + count
                        + " refreshes in " + PROGRESS_TIMEOUT + "\n" + child.tail());
                return false;
            }
            if (e.child != child) {
                continue;
            }
            if (e.kind == Kind.LOST) {
                return false;
            }
            if (e.kind == Kind.FAILED) {
                problems.add("child " + child.node + ": " + child.failed + "\n" + child.tail());
                return false;
            }
            if (child.refreshed.get() == 1) {
                lastStartup = Duration.ofNanos(System.nanoTime() - child.startedNanos);
            }
        }
        return true;
    }

    /** Where a kill left the store, seen at rest. */
    enum AtRest { BETWEEN_REFRESHES, MARKED_NOT_ROTATED, KEPT_TO_FINISH, LOST }

    private AtRest atRest() {
        TokenState s = view.read();
        if (!s.hasTokens() || s.reauthorization() != null) {
            return AtRest.LOST;
        }
        if (sandbox.refreshTokenUsable(s.refreshToken())) {
            return s.refreshStartedAt() == null ? AtRest.BETWEEN_REFRESHES : AtRest.MARKED_NOT_ROTATED;
        }
        return s.refreshStartedAt() != null
                && view.incoming().map(CrashRun::refreshTokenOf).map(sandbox::refreshTokenUsable).orElse(false)
                ? AtRest.KEPT_TO_FINISH : AtRest.LOST;
    }

    /** The stored pair, or a kept answer behind the crash marker, holds a token the server accepts. */
    private boolean intact() {
        return atRest() != AtRest.LOST;
    }

    /** A real authorization, stored as `ccsync authorize` stores it (a kept answer of the dead chain dropped). */
    private void authorize() throws SQLException {
        rotationsAtAuthorization = sandbox.refreshTokenCalls().succeeded();
        keptAtAuthorization = keptAnswers.get();
        rejectedAtAuthorization = sandbox.refreshTokenCalls().rejected();
        OAuthSettings oauth = OAuthSettings.from(key -> SandboxFixture.settings(sandbox, dir.resolve("tokens.json"))
                .getOrDefault(key, "contact_data offline_access"));
        TokenResponse response = TokenResponse.read(200, "application/json", SandboxLogin.login(sandbox),
                TokenResponse.Grant.AUTHORIZATION_CODE, oauth, Instant.now());
        view.clearIncoming();
        if (store == Store.JDBC) {
            auditMark = lastAuditId();
        }
        view.write(view.read().authorized(response, Instant.now()));
    }

    /** Waits until the token endpoint has answered every request a dead child may have left on the wire. */
    private void settle() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(300);
        int before = sandbox.refreshTokenCalls().total();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(400);
            int now = sandbox.refreshTokenCalls().total();
            if (now == before) {
                return;
            }
            before = now;
        }
    }

    /** How long before the kill the server's last rotation (before it) was logged: the lost one, in the window. */
    private String sinceLastRotation(Instant killedAt) {
        List<LoggedRequest> requests = sandbox.requests();
        for (int i = requests.size() - 1; i >= 0; i--) {
            LoggedRequest r = requests.get(i);
            if (r.path().contains("/v1/token") && r.status() == 200 && !r.at().isAfter(killedAt)) {
                return "killed " + Duration.between(r.at(), killedAt).toMillis()
                        + " ms after the sandbox logged its last token answer";
            }
        }
        return "no token answer logged before the kill";
    }

    private void tally(Child child) {
        if (child.tallied) {
            return;
        }
        child.tallied = true;
        refreshes += child.refreshed.get() + child.finishedOnStart.get();
        finishedFromKept += child.finishedOnStart.get() + child.finishedFromKept.get();
    }

    // ---- the PostgreSQL audit: every refresh token and kept answer the row ever committed ----

    private void installAudit() throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS crash_audit (id BIGSERIAL PRIMARY KEY, account VARCHAR(100), "
                    + "at TIMESTAMP WITH TIME ZONE DEFAULT clock_timestamp(), version BIGINT, "
                    + "refresh_token VARCHAR(100000), incoming VARCHAR(100000), lease_holder VARCHAR(300))");
            // Only what changed: a write that leaves the refresh token alone does not re-record the old one.
            st.execute("CREATE OR REPLACE FUNCTION crash_audit_row() RETURNS trigger AS $$ BEGIN "
                    + "IF TG_OP = 'INSERT' THEN "
                    + "INSERT INTO crash_audit (account, version, refresh_token, incoming, lease_holder) "
                    + "VALUES (NEW.account, NEW.version, NEW.refresh_token, NEW.incoming, NEW.lease_holder); "
                    + "ELSIF NEW.refresh_token IS DISTINCT FROM OLD.refresh_token "
                    + "OR NEW.incoming IS DISTINCT FROM OLD.incoming THEN "
                    + "INSERT INTO crash_audit (account, version, refresh_token, incoming, lease_holder) "
                    + "VALUES (NEW.account, NEW.version, "
                    + "CASE WHEN NEW.refresh_token IS DISTINCT FROM OLD.refresh_token THEN NEW.refresh_token END, "
                    + "CASE WHEN NEW.incoming IS DISTINCT FROM OLD.incoming THEN NEW.incoming END, "
                    + "NEW.lease_holder); "
                    + "END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
            st.execute("DROP TRIGGER IF EXISTS crash_audit ON token_state");
            st.execute("CREATE TRIGGER crash_audit AFTER INSERT OR UPDATE ON token_state FOR EACH ROW "
                    + "WHEN (NEW.account LIKE 'crash-%') EXECUTE PROCEDURE crash_audit_row()");
        }
        open.add(() -> {
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS crash_audit ON token_state");
            }
        });
    }

    private long lastAuditId() throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(id), 0) FROM crash_audit")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Rotations since the last authorization whose answer never reached the row: the server issued one new refresh
     * token per rotation, and each one ever committed (as the pair or inside a kept answer) is in the audit.
     */
    private int unkeptByAudit() throws SQLException {
        Set<String> committed = new HashSet<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT refresh_token, incoming FROM crash_audit WHERE account = ? AND id > ?")) {
            ps.setString(1, account);
            ps.setLong(2, auditMark);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional.ofNullable(rs.getString(1)).ifPresent(committed::add);
                    Optional.ofNullable(rs.getString(2)).map(CrashRun::refreshTokenOf).ifPresent(committed::add);
                }
            }
        }
        int rotations = sandbox.refreshTokenCalls().succeeded() - rotationsAtAuthorization;
        return rotations - (committed.size() - 1); // less the authorized token itself
    }

    private static String refreshTokenOf(String answer) {
        try {
            JsonNode json = JSON.readTree(answer);
            JsonNode token = json == null ? null : json.get("refresh_token");
            return token == null ? null : token.asText();
        } catch (IOException e) {
            return null; // a torn answer holds no usable token
        }
    }

    // ---- cold: fresh processes killed at a uniformly random instant of their life ----

    /**
     * Fresh ccsync processes one after the other: `ccsync token refresh` (a new JVM that starts, refreshes once and
     * ends), every fifth a `ccsync run` (which finishes a kept answer on start). A refresh process is killed at a
     * uniformly random instant of its life (as long as the last one left alone lived), or, for the aimed share, 3, 5
     * or 10 ms after the server answered it; 3 in 10 are left alone and must end refreshed. A run is killed at a
     * uniformly random instant of its start-up. After each, the store must still hold a live chain.
     */
    private void coldPart() throws Exception {
        Duration refreshLife = null;
        Duration runStart = null;
        for (int i = 0; i < coldProcesses && problems.isEmpty(); i++) {
            boolean run = i % 5 == 2; // one in five: the third, so that a short run has one too
            Child child = startCli(run);
            if (run) {
                cold.runProcesses++;
                if (runStart == null) {
                    runStart = awaitStarted(child); // the first one shows how long a start takes
                } else {
                    sleepUntil(child.startedNanos + random.nextLong(runStart.toNanos()));
                }
                if (child.process.isAlive()) {
                    cold.runKills++;
                } else if (child.lost != null || child.process.exitValue() != 0) {
                    problems.add("a starting `ccsync run` ended with " + child.process.exitValue() + "\n"
                            + child.tail());
                }
                Instant at = kill(child);
                settle();
                tally(child);
                checkAtRest(child, at);
                continue;
            }
            cold.refreshProcesses++;
            boolean aim = refreshLife != null && random.nextInt(100) < aimedPercent;
            boolean killIt = refreshLife != null && (aim || random.nextInt(100) < COLD_KILL_PERCENT);
            if (killIt && aim) {
                aimAtTheNextAnswer(Duration.ofSeconds(60));
            } else if (killIt) {
                sleepUntil(child.startedNanos + random.nextLong(refreshLife.toNanos()));
            } else if (!child.process.waitFor(PROGRESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                problems.add("`ccsync token refresh` did not end in " + PROGRESS_TIMEOUT + "\n" + child.tail());
            }
            boolean alive = child.process.isAlive();
            Instant at = kill(child); // reaps a process that already ended
            if (alive && killIt) {
                cold.refreshKills++;
                settle();
                tally(child);
                checkAtRest(child, at);
                continue;
            }
            // Left alone: it must have refreshed (exit 0); its life is the next kills' range.
            int code = child.process.exitValue();
            tally(child);
            if (code == 0 && child.refreshed.get() > 0) {
                cold.refreshCompleted++;
                refreshLife = Duration.ofNanos(child.endedNanos - child.startedNanos);
            } else if (code == io.ccsync.cli.ExitCodes.REAUTHORIZE) {
                lostAfterIntactKill(child);
            } else {
                problems.add("`ccsync token refresh` ended with " + code + "\n" + child.tail());
            }
        }
    }

    /** How long the run took to log Camel's "started"; kills it if that never comes. */
    private Duration awaitStarted(Child child) throws InterruptedException {
        long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
        while (!child.started && child.process.isAlive() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        if (!child.started) {
            problems.add("`ccsync run` did not start\n" + child.tail());
        }
        return Duration.ofNanos(System.nanoTime() - child.startedNanos);
    }

    /** Sleeps until that nanoTime, or until it has passed. */
    private static void sleepUntil(long nanos) {
        for (long left; (left = nanos - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** A new `ccsync token refresh` or `ccsync run`, its settings in the environment as a real one reads them. */
    private Child startCli(boolean run) throws IOException {
        List<String> command = run
                ? TokenWindowBenchmarkTest.command("cli", "run", "--max-seconds", "120")
                : TokenWindowBenchmarkTest.command("cli", "token", "refresh");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(childEnv);
        if (run) {
            pb.environment().put("CCSYNC_INBOX_ENABLED", "false");
            pb.environment().put("CCSYNC_CRM_ENABLED", "false");
            pb.environment().put("CAMEL_MANAGEMENT_ENABLED", "false");
        }
        Child child = new Child(0, pb.start(), sandbox.refreshTokenCalls().succeeded());
        running.add(child);
        return child;
    }

    // ---- children ----

    enum Kind { REFRESHED, LOST, FAILED }

    private record Event(Child child, Kind kind) {
    }

    private Child start(int node) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")); // start-up speed; nothing here needs peak JIT
        String testLog = System.getProperty("ccsync.test.log");
        if (testLog != null) {
            command.add("-Dccsync.test.log=" + testLog); // the build's own log, which the secret scan reads
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RefreshLoop.class.getName()));
        command.addAll(childArgs);
        Child child = new Child(node, new ProcessBuilder(command).redirectErrorStream(true).start(),
                sandbox.refreshTokenCalls().succeeded());
        running.add(child);
        return child;
    }

    /** SIGKILL: no shutdown hook, no flush. Returns when the process is gone and its output read to the end. */
    private Instant kill(Child child) throws Exception {
        Instant at = Instant.now();
        boolean aimedHere = nextKillAimed; // set by pickTheInstant for this kill only
        nextKillAimed = false;
        lastAim = null;
        if (child.process.isAlive()) {
            long pid = child.process.pid();
            long unread = 0;
            long landed;
            lastKillThreads = null;
            if (aimedHere && StoppedChild.stop(pid)) {
                landed = System.nanoTime();
                try {
                    // Stopped: the look below is exact and no longer delays the kill.
                    unread = StoppedChild.unreadBytes(pid, sandbox.port());
                    if (unread == 0 && !intact()) {
                        // The child has read the answer and not kept it: where was it? (kept with the loss's detail)
                        lastKillThreads = StoppedChild.describe(pid, EVIDENCE.resolve("crash-"
                                + store.name().toLowerCase() + "-aimed-kill-" + (kills + 1) + "-threads.txt"));
                    }
                } finally {
                    child.process.toHandle().destroyForcibly(); // never left stopped, whatever the look met
                }
            } else {
                // where the child cannot be stopped, the look comes just before the kill
                unread = aimedHere ? StoppedChild.unreadBytesOnAnyConnection(sandbox.port()) : 0;
                // SIGKILL on Linux, the signal alone: Process.destroyForcibly would also close the child's pipes,
                // which waits for the threads reading them, and the instant taken after it would be late by that wait
                child.process.toHandle().destroyForcibly();
                landed = System.nanoTime();
            }
            lastKillUnread = unread;
            kills++;
            lastKillAt = at;
            lastKill = (aimedHere ? "aimed kill (" + nextAimMicros / 1_000 + " ms) " : "kill ") + kills;
            if (aimedHere) {
                lastAim = aims.computeIfAbsent(nextAimMicros, k -> new Aim());
                lastAim.kills++;
                lastAim.actualMicros.add((landed - aimSentNanos) / 1_000);
                if (unread > 0) {
                    lastAim.unreadAtKill++;
                }
            }
        }
        child.reap();
        running.remove(child);
        return at;
    }

    private final class Child {
        final int node;
        final Process process;
        final int rotationsAtStart;
        final long startedNanos = System.nanoTime();
        volatile long endedNanos;
        volatile boolean started;
        final AtomicInteger refreshed = new AtomicInteger();
        final AtomicInteger kept = new AtomicInteger();
        final AtomicInteger finishedOnStart = new AtomicInteger();
        final AtomicInteger finishedFromKept = new AtomicInteger();
        final Deque<String> tail = new ArrayDeque<>();
        final CompletableFuture<Void> eof;
        volatile String lost;
        volatile String failed;
        boolean tallied;

        Child(int node, Process process, int rotationsAtStart) {
            this.node = node;
            this.process = process;
            this.rotationsAtStart = rotationsAtStart;
            this.eof = CompletableFuture.runAsync(this::read);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (tail) {
                        tail.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
                        if (tail.size() > 30) {
                            tail.removeFirst();
                        }
                    }
                    if (line.startsWith("REFRESHED") || line.startsWith("Refreshed.")) {
                        refreshed.incrementAndGet();
                        events.add(new Event(this, Kind.REFRESHED));
                    } else if (line.startsWith("ccsync: ") && line.contains("authorize")) {
                        lost = line; // `ccsync token refresh` says re-authorization is needed (exit 2)
                    } else if (line.contains("Apache Camel") && line.contains(" started")) {
                        started = true;
                    } else if (line.startsWith("LOST")) {
                        lost = line;
                        events.add(new Event(this, Kind.LOST));
                    } else if (line.startsWith("FAILED")) {
                        failed = line;
                        events.add(new Event(this, Kind.FAILED));
                    } else if (line.contains(KEPT)) {
                        kept.incrementAndGet();
                        keptAnswers.incrementAndGet();
                    } else if (line.contains(FINISHED_ON_START)) {
                        finishedOnStart.incrementAndGet();
                    } else if (line.contains(FINISHED_FROM_KEPT)) {
                        finishedFromKept.incrementAndGet();
                    }
                }
            } catch (IOException ignored) {
                // the child was killed
            }
            endedNanos = System.nanoTime();
        }

        void reap() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("child " + node + " did not end");
            }
            eof.get(60, TimeUnit.SECONDS);
        }

        String tail() {
            synchronized (tail) {
                return "  child " + node + " output, last lines:\n  " + String.join("\n  ", tail);
            }
        }
    }

    /** Appends the summary line to {@code -Dccsync.crash.summary=FILE}, when set. */
    static void report(Result result) throws IOException {
        String line = result.summary();
        System.out.println(line);
        result.details().forEach(System.out::println);
        result.windowDetails().forEach(d -> System.out.println("  window loss: " + d));
        result.realLosses().forEach(d -> System.out.println("  LOST CHAIN: " + d));
        result.problems().forEach(d -> System.out.println("  PROBLEM: " + d));
        String file = System.getProperty("ccsync.crash.summary");
        if (file != null && !file.isBlank()) {
            StringBuilder text = new StringBuilder(line).append('\n');
            result.details().forEach(d -> text.append(d).append('\n'));
            result.windowDetails().forEach(d -> text.append("  window loss: ").append(d).append('\n'));
            result.realLosses().forEach(d -> text.append("  LOST CHAIN: ").append(d.lines().findFirst().orElse(""))
                    .append('\n'));
            result.problems().forEach(d -> text.append("  PROBLEM: ").append(d.lines().findFirst().orElse(""))
                    .append('\n'));
            Path path = Path.of(file);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    @Override
    public void close() throws Exception {
        for (Child c : List.copyOf(running)) {
            c.process.destroyForcibly();
            c.process.waitFor(30, TimeUnit.SECONDS);
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }
}
