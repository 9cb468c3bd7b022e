package io.ccsync.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ApiBudget}'s requests counted in this process: one ccsync (ccsync.cluster.enabled=false). */
final class LocalBudgetLedger implements ApiBudget.Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(ApiBudget.class);
    private static final long WINDOW_NANOS = ApiBudget.WINDOW.toNanos();
    private static final long STALE_NANOS = ApiBudget.STALE.toNanos();

    private final int perSecond;
    private final int perDay;
    private final Clock clock;
    private final List<Slot> recent = new ArrayList<>();
    private LocalDate day;
    private int usedToday;
    private Instant pausedUntil;
    private long heldUntilNanos;

    /** A request's place: from {@code start} until {@link #WINDOW_NANOS} after {@code end}. */
    private static final class Slot {
        private final long start = System.nanoTime();
        private long end;
        private boolean open = true;

        private boolean counts(long now) {
            return open ? now - start < STALE_NANOS : now - end < WINDOW_NANOS;
        }
    }

    LocalBudgetLedger(int perSecond, int perDay, Clock clock) {
        this.perSecond = perSecond;
        this.perDay = perDay;
        this.clock = clock;
    }

    @Override
    public synchronized ApiBudget.Permit acquire() throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            if (!today.equals(day)) {
                day = today;
                usedToday = 0;
            }
            if (pausedUntil != null && now.isBefore(pausedUntil)) {
                wait(Math.max(1, Math.min(ApiBudget.PAUSE_CHECK_MILLIS,
                        Duration.between(now, pausedUntil).toMillis())));
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
                Slot slot = new Slot();
                recent.add(slot);
                usedToday++;
                return new ApiBudget.Permit(now, () -> release(slot));
            }
            long soonest = recent.stream().filter(p -> !p.open).mapToLong(p -> p.end + WINDOW_NANOS - t).min()
                    .orElse(Duration.ofMillis(ApiBudget.PAUSE_CHECK_MILLIS).toNanos()); // all in flight: a close wakes us
            waitNanos(soonest);
        }
    }

    private synchronized void release(Slot slot) {
        if (slot.open) {
            slot.open = false;
            slot.end = System.nanoTime();
            notifyAll();
        }
    }

    @Override
    public synchronized void quotaExceeded(Instant sentAt) {
        pauseUntilMidnightAfter(sentAt, ApiBudget.QUOTA_EXCEEDED);
    }

    @Override
    public synchronized void throttled() {
        heldUntilNanos = System.nanoTime() + ApiBudget.THROTTLE_HOLD.toNanos();
        LOG.warn(ApiBudget.THROTTLED_LOG);
    }

    @Override
    public synchronized Instant pausedUntil() {
        return pausedUntil != null && clock.instant().isBefore(pausedUntil) ? pausedUntil : null;
    }

    @Override
    public synchronized int usedToday() {
        return usedToday;
    }

    private void pauseUntilMidnightAfter(Instant when, String why) {
        Instant midnight = ApiBudget.midnightAfter(when);
        if (clock.instant().isBefore(midnight) && (pausedUntil == null || midnight.isAfter(pausedUntil))) {
            pausedUntil = midnight;
            LOG.warn(ApiBudget.PAUSE_LOG, why, midnight);
        }
        notifyAll();
    }

    private void waitNanos(long nanos) throws InterruptedException {
        wait(Math.max(1, (nanos + 999_999) / 1_000_000));
    }
}
