package io.ccsync.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API key's budget, shared by every route of this ccsync ({@code process: {ref: apiBudget}} right before each
 * API call): at most {@code perSecond} requests in any second and {@code perDay} per UTC day. A caller blocks until
 * its request fits. Constant Contact's 429 answers adjust it: {@code throttled} holds every caller for a while
 * (another server may share the key), {@code quota_exceeded} pauses delivery until 00:00 UTC. No Retry-After is read:
 * the API does not document one.
 */
public final class ApiBudget implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiBudget.class);
    /** The server counts arrivals, a little shifted from our sends (network, queues): keep a margin. */
    static final long WINDOW_NANOS = Duration.ofMillis(1_100).toNanos();
    /** How long every caller holds after a throttled answer; the retry itself also backs off exponentially. */
    private static final long THROTTLE_HOLD_NANOS = Duration.ofSeconds(1).toNanos();
    /** How often a paused caller looks at the clock again (the clock may be a test's). */
    private static final long PAUSE_CHECK_MILLIS = 200;

    private final int perSecond;
    private final int perDay;
    private final Clock clock;
    private final Deque<Long> sent = new ArrayDeque<>();
    private LocalDate day;
    private int usedToday;
    private Instant pausedUntil;
    private long heldUntilNanos;

    public ApiBudget(int perSecond, int perDay, Clock clock) {
        if (perSecond < 1 || perDay < 1) {
            throw new IllegalArgumentException("the API budget needs at least 1 request per second and per day");
        }
        this.perSecond = perSecond;
        this.perDay = perDay;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        acquire();
    }

    /** Blocks until one more request fits the budget, then counts it. */
    public synchronized void acquire() throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            if (!today.equals(day)) {
                day = today;
                usedToday = 0;
            }
            if (pausedUntil != null && now.isBefore(pausedUntil)) {
                wait(Math.max(1, Math.min(PAUSE_CHECK_MILLIS, Duration.between(now, pausedUntil).toMillis())));
                continue;
            }
            if (usedToday >= perDay) {
                pauseUntilMidnight("ccsync's daily budget of " + perDay + " requests (ccsync.delivery.rate.per-day) "
                        + "is used up");
                continue;
            }
            long t = System.nanoTime();
            if (t - heldUntilNanos < 0) {
                waitNanos(heldUntilNanos - t);
                continue;
            }
            while (!sent.isEmpty() && t - sent.peekFirst() >= WINDOW_NANOS) {
                sent.pollFirst();
            }
            if (sent.size() < perSecond) {
                sent.addLast(t);
                usedToday++;
                return;
            }
            waitNanos(sent.peekFirst() + WINDOW_NANOS - t);
        }
    }

    /** Constant Contact said {@code quota_exceeded}: nothing more today. */
    public synchronized void quotaExceeded() {
        pauseUntilMidnight("Constant Contact answered quota_exceeded: the API key's daily quota is used up");
    }

    /** Constant Contact said {@code throttled}: something else spends the same key. Every caller holds a second. */
    public synchronized void throttled() {
        heldUntilNanos = System.nanoTime() + THROTTLE_HOLD_NANOS;
        LOG.warn("Constant Contact answered throttled (429): holding API calls for a second");
    }

    /** When delivery resumes after a daily-quota pause, or null when it is not paused. */
    public synchronized Instant pausedUntil() {
        return pausedUntil != null && clock.instant().isBefore(pausedUntil) ? pausedUntil : null;
    }

    /** Requests counted today (UTC). */
    public synchronized int usedToday() {
        return usedToday;
    }

    private void pauseUntilMidnight(String why) {
        Instant midnight = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        if (!midnight.equals(pausedUntil)) {
            pausedUntil = midnight;
            LOG.warn("{}: delivery pauses until {} (00:00 UTC) and then goes on by itself", why, midnight);
        }
        notifyAll();
    }

    private void waitNanos(long nanos) throws InterruptedException {
        long millis = Math.max(1, (nanos + 999_999) / 1_000_000);
        wait(millis);
    }
}
