package io.ccsync.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API key's budget, shared by every route of this ccsync ({@code process: {ref: apiBudget}} right before each
 * API call, {@code bean: {ref: apiBudget, method: done}} right after): at most {@code perSecond} requests in any
 * second and {@code perDay} per UTC day. A caller blocks until its request fits. A request occupies its place from
 * the moment it is let through until a second after its answer came back: the server counts arrivals, which lie
 * somewhere in between (a token refresh or a slow connection can delay a request after it was let through).
 * Constant Contact's 429 answers adjust it: {@code throttled} holds every caller for a second (another server may
 * share the key), {@code quota_exceeded} pauses delivery until 00:00 UTC. No Retry-After is read: the API does not
 * document one.
 */
public final class ApiBudget implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiBudget.class);
    /** Exchange property holding the {@link Permit} of the exchange's current API call. */
    public static final String PERMIT = "CcsyncApiPermit";
    static final long WINDOW_NANOS = Duration.ofMillis(1_050).toNanos();
    /** A permit never given back (a failure nobody handled) stops counting after this long. */
    private static final long STALE_NANOS = Duration.ofSeconds(90).toNanos();
    /** How long every caller holds after a throttled answer; the retry itself also backs off exponentially. */
    private static final long THROTTLE_HOLD_NANOS = Duration.ofSeconds(1).toNanos();
    /** How often a paused caller looks at the clock again (the clock may be a test's). */
    private static final long PAUSE_CHECK_MILLIS = 200;

    private final int perSecond;
    private final int perDay;
    private final Clock clock;
    private final List<Permit> recent = new ArrayList<>();
    private LocalDate day;
    private int usedToday;
    private Instant pausedUntil;
    private long heldUntilNanos;
    private volatile Consumer<Duration> waits = waited -> { };

    /** One request's place in the budget; closing it (when the answer is in) starts its last second. */
    public final class Permit implements AutoCloseable {
        private final long start = System.nanoTime();
        private final Instant sentAt = clock.instant();
        private long end;
        private boolean open = true;

        /** When the request was let through, on the budget's clock (its UTC day is the quota's day). */
        public Instant sentAt() {
            return sentAt;
        }

        @Override
        public void close() {
            synchronized (ApiBudget.this) {
                if (open) {
                    open = false;
                    end = System.nanoTime();
                    ApiBudget.this.notifyAll();
                }
            }
        }

        private boolean counts(long now) {
            return open ? now - start < STALE_NANOS : now - end < WINDOW_NANOS;
        }
    }

    public ApiBudget(int perSecond, int perDay, Clock clock) {
        if (perSecond < 1 || perDay < 1) {
            throw new IllegalArgumentException("the API budget needs at least 1 request per second and per day");
        }
        this.perSecond = perSecond;
        this.perDay = perDay;
        this.clock = clock;
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
    public synchronized Permit acquire() throws InterruptedException {
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
                pauseUntilMidnightAfter(now, "ccsync's daily budget of " + perDay + " requests "
                        + "(ccsync.delivery.rate.per-day) is used up");
                continue;
            }
            long t = System.nanoTime();
            if (t - heldUntilNanos < 0) {
                waitNanos(heldUntilNanos - t);
                continue;
            }
            recent.removeIf(p -> !p.counts(t));
            if (recent.size() < perSecond) {
                Permit permit = new Permit();
                recent.add(permit);
                usedToday++;
                return permit;
            }
            long soonest = recent.stream().filter(p -> !p.open).mapToLong(p -> p.end + WINDOW_NANOS - t).min()
                    .orElse(Duration.ofMillis(PAUSE_CHECK_MILLIS).toNanos()); // all in flight: a close wakes us
            waitNanos(soonest);
        }
    }

    /**
     * Constant Contact said {@code quota_exceeded} to a request sent at {@code sentAt}: nothing more that UTC day.
     * (A late answer from before midnight must not pause the new day.)
     */
    public synchronized void quotaExceeded(Instant sentAt) {
        pauseUntilMidnightAfter(sentAt, "Constant Contact answered quota_exceeded: the API key's daily quota is "
                + "used up");
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

    private void pauseUntilMidnightAfter(Instant when, String why) {
        Instant midnight = LocalDate.ofInstant(when, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        if (clock.instant().isBefore(midnight) && (pausedUntil == null || midnight.isAfter(pausedUntil))) {
            pausedUntil = midnight;
            LOG.warn("{}: delivery pauses until {} (00:00 UTC) and then goes on by itself", why, midnight);
        }
        notifyAll();
    }

    private void waitNanos(long nanos) throws InterruptedException {
        wait(Math.max(1, (nanos + 999_999) / 1_000_000));
    }
}
