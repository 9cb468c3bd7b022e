package io.ccsync.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The API key's budget, shared by every route of this ccsync ({@code process: {ref: apiBudget}} right before each
 * API call, {@code bean: {ref: apiBudget, method: done}} right after): at most {@code perSecond} requests in any
 * second and {@code perDay} per UTC day. A caller blocks until its request fits. A request occupies its place from
 * the moment it is let through until a second after its answer came back: the server counts arrivals, which lie
 * somewhere in between (a token refresh or a slow connection can delay a request after it was let through).
 * Constant Contact's 429 answers adjust it: {@code throttled} holds every caller for a second (another server may
 * share the key), {@code quota_exceeded} pauses delivery until 00:00 UTC. No Retry-After is read: the API does not
 * document one.
 *
 * <p>Where the requests are counted is a {@link Ledger}: in this process ({@link #ApiBudget(int, int, Clock)}, one
 * ccsync), or in ccsync's database for every node of a cluster together ({@link #shared}); DeliveryConfiguration
 * chooses.
 */
public final class ApiBudget implements Processor {
    /** Exchange property holding the {@link Permit} of the exchange's current API call. */
    public static final String PERMIT = "CcsyncApiPermit";
    /** How long after its answer a request still counts (a second, and a little for the server's own clock). */
    static final Duration WINDOW = Duration.ofMillis(1_050);
    /** A permit never given back (a failure nobody handled, a node that died) stops counting after this long. */
    static final Duration STALE = Duration.ofSeconds(90);
    /** How long every caller holds after a throttled answer; the retry itself also backs off exponentially. */
    static final Duration THROTTLE_HOLD = Duration.ofSeconds(1);
    /** How often a paused caller looks at the clock again (the clock may be a test's). */
    static final long PAUSE_CHECK_MILLIS = 200;

    private final Ledger ledger;
    private volatile Consumer<Duration> waits = waited -> { };

    /** Where the requests are counted and the pauses kept. */
    interface Ledger {
        /** Blocks until one more request fits; the permit's {@link Permit#close()} tells the ledger it answered. */
        Permit acquire() throws InterruptedException;

        void quotaExceeded(Instant sentAt);

        void throttled();

        Instant pausedUntil();

        int usedToday();
    }

    /** One request's place in the budget; closing it (when the answer is in) starts its last second. */
    public static final class Permit implements AutoCloseable {
        private final Instant sentAt;
        private final Runnable release;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Permit(Instant sentAt, Runnable release) {
            this.sentAt = sentAt;
            this.release = release;
        }

        /** When the request was let through, on the budget's clock (its UTC day is the quota's day). */
        public Instant sentAt() {
            return sentAt;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release.run();
            }
        }
    }

    /** The budget of one ccsync, counted in this process. */
    public ApiBudget(int perSecond, int perDay, Clock clock) {
        this(new LocalBudgetLedger(check(perSecond, perDay), perDay, clock));
    }

    /**
     * The budget of every ccsync sharing {@code db} (cluster mode): each node counts its requests in the database, so
     * together they stay within {@code perSecond} and {@code perDay}, and a pause one node learns of holds them all.
     * {@code node} names this ccsync in the table.
     */
    public static ApiBudget shared(int perSecond, int perDay, Clock clock, Supplier<DataSource> db, String node) {
        return new ApiBudget(new SharedBudgetLedger(check(perSecond, perDay), perDay, clock, db, node));
    }

    private ApiBudget(Ledger ledger) {
        this.ledger = ledger;
    }

    private static int check(int perSecond, int perDay) {
        if (perSecond < 1 || perDay < 1) {
            throw new IllegalArgumentException("the API budget needs at least 1 request per second and per day");
        }
        return perSecond;
    }

    /** Where each call's wait for its permit is reported (the limiter wait meter); by default nowhere. */
    public void reportWaitsTo(Consumer<Duration> waits) {
        this.waits = waits;
    }

    /** Before an API call: gives back the exchange's previous permit (a retry) and waits for a new one. */
    @Override
    public void process(Exchange exchange) throws InterruptedException {
        done(exchange);
        long start = System.nanoTime();
        exchange.setProperty(PERMIT, acquire());
        waits.accept(Duration.ofNanos(System.nanoTime() - start));
    }

    /** After an API call answered. */
    public void done(Exchange exchange) {
        Permit permit = exchange.getProperty(PERMIT, Permit.class);
        if (permit != null) {
            permit.close();
        }
    }

    /** Blocks until one more request fits the budget; the caller closes the permit when the answer is in. */
    public Permit acquire() throws InterruptedException {
        return ledger.acquire();
    }

    /**
     * Constant Contact said {@code quota_exceeded} to a request sent at {@code sentAt}: nothing more that UTC day.
     * (A late answer from before midnight must not pause the new day.)
     */
    public void quotaExceeded(Instant sentAt) {
        ledger.quotaExceeded(sentAt);
    }

    /** Constant Contact said {@code throttled}: something else spends the same key. Every caller holds a second. */
    public void throttled() {
        ledger.throttled();
    }

    /** When delivery resumes after a daily-quota pause, or null when it is not paused. */
    public Instant pausedUntil() {
        return ledger.pausedUntil();
    }

    /** Requests counted today (UTC). */
    public int usedToday() {
        return ledger.usedToday();
    }

    /** 00:00 UTC after {@code when}: where a daily-quota pause ends. */
    static Instant midnightAfter(Instant when) {
        return LocalDate.ofInstant(when, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static final String QUOTA_EXCEEDED = "Constant Contact answered quota_exceeded: the API key's daily quota is "
            + "used up";
    static final String PAUSE_LOG = "{}: delivery pauses until {} (00:00 UTC) and then goes on by itself";
    static final String THROTTLED_LOG = "Constant Contact answered throttled (429): holding API calls for a second";
}
