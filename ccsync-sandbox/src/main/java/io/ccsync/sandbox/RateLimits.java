package io.ccsync.sandbox;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-client limits: requests in any rolling second (measured on the real monotonic clock, so a frozen
 * test clock does not turn every request into a burst) and requests per UTC day (on the sandbox clock, so a
 * test can cross midnight). Only admitted requests count.
 */
final class RateLimits {
    enum Verdict { ADMITTED, THROTTLED, QUOTA_EXCEEDED }

    private static final long SECOND_NANOS = 1_000_000_000L;

    private volatile int perSecond;
    private final int perDay;
    private final Clock clock;
    private final Map<String, Deque<Long>> windows = new HashMap<>();
    private final Map<String, Integer> daily = new HashMap<>();
    private LocalDate day;

    RateLimits(int perSecond, int perDay, Clock clock) {
        this.perSecond = perSecond;
        this.perDay = perDay;
        this.clock = clock;
    }

    synchronized Verdict admit(String clientId) {
        String key = clientId == null ? "-" : clientId;
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (!today.equals(day)) {
            day = today;
            daily.clear();
        }
        int used = daily.getOrDefault(key, 0);
        if (used >= perDay) {
            return Verdict.QUOTA_EXCEEDED;
        }
        long now = System.nanoTime();
        Deque<Long> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!window.isEmpty() && now - window.peekFirst() >= SECOND_NANOS) {
            window.pollFirst();
        }
        if (window.size() >= perSecond) {
            return Verdict.THROTTLED;
        }
        window.addLast(now);
        daily.put(key, used + 1);
        return Verdict.ADMITTED;
    }

    synchronized void reset() {
        windows.clear();
        daily.clear();
    }
}
