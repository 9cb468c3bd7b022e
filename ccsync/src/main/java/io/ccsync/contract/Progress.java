package io.ccsync.contract;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of one long job (a file, a poll) for the log: at most one line per interval while it runs
 * ("contacts.csv: 12000 of 50000 records (24%), 1950/s, about 19s left") and one summary line at the end. Call
 * {@link #advance} as records are done, from one thread at a time. A file's record count is not known until it has
 * been read: {@link #reading} lets the line say how far through the file's bytes reading is instead
 * ("contacts.csv: 12000 records (24% of 5.1 MB read), 1950/s, about 19s left").
 */
public final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final String what;
    private final long total;
    private final Duration interval;
    private final Clock clock;
    private final Consumer<String> log;
    private final Instant started;
    private Instant lastLogged;
    private long done;
    private LongSupplier bytesRead;
    private long bytesTotal = -1;
    private volatile String waiting;

    /** {@code total}: how many records in all, or -1 when not known in advance (a poll, a streamed file). */
    public Progress(String what, long total, Duration interval, Clock clock, Consumer<String> log) {
        this.what = what;
        this.total = total;
        this.interval = interval;
        this.clock = clock;
        this.log = log;
        this.started = clock.instant();
        this.lastLogged = started;
    }

    /** Logs to ccsync's log at INFO. */
    public static Progress of(String what, long total, Duration interval) {
        return new Progress(what, total, interval, Clock.systemUTC(), LOG::info);
    }

    /** When the total is unknown: the share of {@code size} bytes read so far stands in for it (percent, time left). */
    public Progress reading(LongSupplier bytesRead, long size) {
        this.bytesRead = bytesRead;
        this.bytesTotal = size;
        return this;
    }

    /** {@code n} more records done; logs a progress line when the interval has passed since the last one. */
    public void advance(long n) {
        done += n;
        Instant now = clock.instant();
        if (Duration.between(lastLogged, now).compareTo(interval) >= 0) {
            lastLogged = now;
            log.accept(line(now));
        }
    }

    /**
     * What the job waits for now (an import Constant Contact is running, and when it should be done), shown at the
     * end of the next lines; logs a line when the interval has passed, as {@link #advance} does. Null: no longer.
     */
    public void waiting(String what) {
        waiting = what;
        if (what != null) {
            advance(0);
        }
    }

    /** The one summary line; {@code outcome} is appended ("18 delivered, 2 rejected"), or null. */
    public void finish(String outcome) {
        Duration took = Duration.between(started, clock.instant());
        log.accept(what + ": " + done + " records in " + human(took) + " (" + rate(done, took) + "/s)"
                + (outcome == null ? "" : ": " + outcome));
    }

    public long done() {
        return done;
    }

    String line(Instant now) {
        Duration elapsed = Duration.between(started, now);
        StringBuilder s = new StringBuilder(what).append(": ").append(done);
        if (total >= 0) {
            s.append(" of ").append(total).append(" records (").append(total == 0 ? 100 : done * 100 / total)
                    .append("%)");
        } else {
            s.append(" records");
        }
        long read = bytesTotal > 0 && total < 0 ? Math.min(bytesRead.getAsLong(), bytesTotal) : -1;
        if (read >= 0) {
            s.append(" (").append(read * 100 / bytesTotal).append("% of ").append(size(bytesTotal)).append(" read)");
        }
        s.append(", ").append(rate(done, elapsed)).append("/s");
        long leftMillis = -1;
        if (total >= 0 && done > 0 && done < total) {
            leftMillis = elapsed.toMillis() * (total - done) / done;
        } else if (read > 0 && read < bytesTotal) {
            leftMillis = elapsed.toMillis() * (bytesTotal - read) / read;
        }
        if (leftMillis >= 0) {
            s.append(", about ").append(human(Duration.ofMillis(leftMillis))).append(" left");
        }
        if (waiting != null) {
            s.append("; waiting for ").append(waiting);
        }
        return s.toString();
    }

    /** 900 B, 12 KB, 5.1 MB, 2.3 GB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return bytes / 1024 + " KB";
        }
        double mb = bytes / (1024.0 * 1024);
        return mb < 1024 ? String.format(java.util.Locale.ROOT, "%.1f MB", mb)
                : String.format(java.util.Locale.ROOT, "%.1f GB", mb / 1024);
    }

    private static long rate(long n, Duration d) {
        return d.toMillis() <= 0 ? n : n * 1000 / d.toMillis();
    }

    /** 45s, 3m 20s, 2h 5m. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
}
