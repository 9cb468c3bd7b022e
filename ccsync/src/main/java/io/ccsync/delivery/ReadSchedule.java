package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When to read an import's status. Constant Contact runs an account's imports one after another at a steady rate,
 * so an import posted behind others should be done when they are, plus its own records at that rate: the first read
 * is made then (a little after), not every few seconds from the POST on. A read that finds it still running sets the
 * next one from its {@code percent_done}: at the pace it shows (once its stamps span ten seconds), else at the
 * rate, and at least {@code pollInterval} later, doubled at each such read up to {@code maxPollInterval}. The rate is this account's: the assumed one until imports show theirs (the mean of the
 * last five, from their {@code started_at} to {@code completed_at}). At most {@code readsPerDay} reads in a UTC day (a share of the API
 * quota); past it the next waits for 00:00 UTC. One per process, shared by every source (they post to one account).
 */
public final class ReadSchedule {
    private static final Logger LOG = LoggerFactory.getLogger(ReadSchedule.class);
    /** An import shorter than this says little about the rate (the stamps may be whole seconds). */
    private static final Duration LEARN_FROM = Duration.ofSeconds(2);
    /** A running import's pace is trusted once its stamps span this much (whole seconds: a tenth off at most). */
    private static final Duration PACE_FROM = Duration.ofSeconds(10);

    private final Clock clock;
    private final Duration pollInterval;
    private final Duration maxPollInterval;
    private final int readsPerDay;
    private final double assumedRate;
    private double rate;
    /** The rates the last few completed imports showed: their mean is the rate once there is one. */
    private final java.util.ArrayDeque<Double> shown = new java.util.ArrayDeque<>();
    /** When the imports this process posted should all be done (Constant Contact runs them in turn). */
    private Instant queueEnd = Instant.EPOCH;
    private final Set<String> outstanding = new HashSet<>();
    /** The last read that found one of our imports running, and when that import was posted. */
    private Instant runningSeenAt;
    private Instant runningSeenPosted;
    private LocalDate day;
    private int reads;
    private int readsTotal;
    private boolean shareLogged;

    public ReadSchedule(Clock clock, int expectedRate, Duration pollInterval, Duration maxPollInterval,
            int readsPerDay) {
        this.clock = clock;
        this.assumedRate = expectedRate;
        this.rate = expectedRate;
        this.pollInterval = pollInterval;
        this.maxPollInterval = maxPollInterval;
        this.readsPerDay = readsPerDay;
    }

    /** Records per second this account's imports are taken to run at now. */
    public synchronized double rate() {
        return rate;
    }

    /** Status reads made since start. */
    public synchronized int reads() {
        return readsTotal;
    }

    /** How long {@code records} take at the current rate. */
    public synchronized Duration duration(int records) {
        return Duration.ofMillis((long) Math.ceil(records * 1000.0 / rate));
    }

    /** An import was posted (or its unanswered POST found): it runs after those before it. */
    synchronized void posted(BulkBatch batch) {
        Instant now = clock.instant();
        Instant start = queueEnd.isAfter(now) ? queueEnd : now;
        Instant done = start.plus(duration(batch.size()));
        queueEnd = done;
        outstanding.add(batch.activityId());
        batch.schedule(done, done.plus(margin(batch.size())));
    }

    /** Reads a little after the expected end: a read that comes too early costs a call, one too late only time. */
    private Duration margin(int records) {
        Duration tenth = duration(records).dividedBy(10);
        Duration half = pollInterval.dividedBy(2);
        return tenth.compareTo(half) > 0 ? tenth : half;
    }

    /** When the next status read of {@code batch} is due. */
    synchronized Instant nextRead(BulkBatch batch) {
        Instant at = batch.nextRead();
        if (at == null) { // not scheduled (a test's hand-made batch): read now
            at = clock.instant();
        }
        // one of ours posted before this one was still running then: this one cannot be done before it plus its own
        if (batch.readsRunning() == 0 && runningSeenAt != null && batch.postedAt() != null
                && runningSeenPosted.isBefore(batch.postedAt())) {
            Instant floor = runningSeenAt.plus(duration(batch.size()));
            if (floor.isAfter(batch.expectedDone())) {
                at = floor.plus(margin(batch.size()));
                batch.schedule(floor, at);
            }
        }
        rollDay();
        if (reads >= readsPerDay) {
            Instant midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (!shareLogged) {
                LOG.warn("{} import status reads today reach ccsync.delivery.bulk.poll-share of the daily quota: the "
                        + "next waits until {} (00:00 UTC)", reads, midnight);
                shareLogged = true;
            }
            at = at.isAfter(midnight) ? at : midnight;
        }
        return at;
    }

    /** A status read of {@code batch} came back (its activity is set). */
    synchronized void read(BulkBatch batch) {
        rollDay();
        reads++;
        readsTotal++;
        Instant now = clock.instant();
        JsonNode a = batch.activity();
        if (batch.running()) {
            batch.foundRunning();
            runningSeenAt = now;
            runningSeenPosted = batch.postedAt() == null ? Instant.EPOCH : batch.postedAt();
            int percent = Math.max(0, Math.min(100, a.path("percent_done").asInt(0)));
            int remaining = (int) Math.ceil(batch.size() * (100 - percent) / 100.0);
            double pace = runningRate(a);
            if (pace > 0) { // the pace this import shows so far, by the server's stamps: read when that says done
                Duration left = Duration.ofMillis((long) Math.ceil(remaining * 1000.0 / pace));
                batch.schedule(now.plus(left), now.plus(left).plus(margin(remaining)));
                return;
            }
            // no pace to go by yet: what the rate says is left, and at least the backoff
            Duration left = duration(remaining);
            Duration backoff = pollInterval.multipliedBy(1L << Math.min(20, batch.readsRunning() - 1));
            if (backoff.compareTo(maxPollInterval) > 0) {
                backoff = maxPollInterval;
            }
            Duration wait = left.compareTo(backoff) > 0 ? left : backoff;
            batch.schedule(now.plus(left), now.plus(wait));
            return;
        }
        outstanding.remove(batch.activityId());
        if (outstanding.isEmpty()) {
            queueEnd = now; // nothing of ours left in the account's queue
        }
        learn(batch.size(), a);
    }

    /** Records a second a running import shows (completed so far over started_at to updated_at), or 0. */
    private static double runningRate(JsonNode a) {
        Duration so = between(a.path("started_at").asText(), a.path("updated_at").asText());
        int completed = a.path("status").path("items_completed_count").asInt(0);
        return so == null || so.compareTo(PACE_FROM) < 0 || completed <= 0 ? 0 : completed * 1000.0 / so.toMillis();
    }

    /** The rate a completed import showed, by the server's own stamps: the mean of the last few is the rate. */
    private void learn(int records, JsonNode a) {
        if (!a.path("state").asText().equals("completed")) {
            return;
        }
        Duration took = between(a.path("started_at").asText(), a.path("completed_at").asText());
        if (took == null || took.compareTo(LEARN_FROM) < 0) {
            return; // no stamps, or too short to tell: the rate stays as it was
        }
        shown.addLast(records * 1000.0 / took.toMillis());
        if (shown.size() > 5) {
            shown.removeFirst();
        }
        rate = shown.stream().mapToDouble(Double::doubleValue).average().orElse(assumedRate);
        LOG.debug("An import of {} records took {}: the import rate is now taken as {} records/s", records, took,
                Math.round(rate));
    }

    private static Duration between(String from, String to) {
        try {
            return Duration.between(Instant.parse(from), Instant.parse(to));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void rollDay() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (!today.equals(day)) {
            day = today;
            reads = 0;
            shareLogged = false;
        }
    }
}
