package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import io.ccsync.contract.Progress;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk path around the import requests: the activity a POST created (or, after a POST that got no answer, the
 * one it may have created: there is no idempotency key, and a blind repeat would queue a second import), the status
 * polls, and the final check that traces every record to imported, rejected (with the API's reason) or dead letter.
 */
public final class ImportActivities {
    private static final Logger LOG = LoggerFactory.getLogger(ImportActivities.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE = Pattern.compile("^Line (\\d+): (.*)$", Pattern.DOTALL);
    /** Server and client clocks differ a little: an activity this much older than our POST may still be ours. */
    private static final Duration SKEW = Duration.ofMinutes(2);

    private final Clock clock;
    private final Duration pollTimeout;
    /** Every ccsync import request and its activity, in ccsyncDb: shared by the nodes, kept across restarts. */
    private final ImportPosts posts;

    private final ReadSchedule schedule;

    public ImportActivities(Clock clock, Duration pollTimeout, Supplier<DataSource> db) {
        this(clock, pollTimeout, db, new ReadSchedule(clock, 1_000, Duration.ofSeconds(2), Duration.ofMinutes(1),
                Integer.MAX_VALUE));
    }

    public ImportActivities(Clock clock, Duration pollTimeout, Supplier<DataSource> db, ReadSchedule schedule) {
        this.clock = clock;
        this.pollTimeout = pollTimeout;
        this.posts = new ImportPosts(db);
        this.schedule = schedule;
    }

    /** When imports are read: their expected ends, this account's import rate, the day's reads. */
    public ReadSchedule schedule() {
        return schedule;
    }

    /** The body of the import's POST: the payload as it was packed. */
    public byte[] payload(@ExchangeProperty(Work.PROPERTY) BulkBatch batch) {
        return batch.payload();
    }

    /** The activity a posted import is followed by ({@code GET /activities/{id}}). */
    public String activityId(@ExchangeProperty(Work.PROPERTY) BulkBatch batch) {
        return batch.activityId();
    }

    /** Before each POST of the batch; the first one is written down (before it is sent) in ccsyncDb. */
    public void posting(@ExchangeProperty(Work.PROPERTY) BulkBatch batch) throws SQLException {
        boolean first = batch.postedAt() == null;
        batch.posting(clock.instant());
        if (first) {
            posts.posting(batch.postId(), batch.size(), batch.listIds().size(), batch.postedAt());
        }
    }

    /** The answer of the POST: {@code {activity_id, state, _links}}; the activity is ours from now on. */
    public void posted(@Body String answer, @ExchangeProperty(Work.PROPERTY) BulkBatch batch)
            throws IOException, SQLException {
        String id = JSON.readTree(answer).path("activity_id").asText();
        if (!posts.own(batch.postId(), id)) {
            LOG.warn("Import activity {} was already tied to another ccsync request; following it anyway", id);
        }
        batch.activityId(id);
        schedule.posted(batch);
        LOG.info("Import of {} records posted: activity {}, expected done by {}", batch.size(), id,
                batch.expectedDone());
    }

    /**
     * The answer of {@code GET /activities} before a repeated POST. Candidates: activities created since our first
     * POST (less the clock skew) with our record and list counts that no ccsync request owns (in ccsyncDb, so
     * neither another node's nor one from before a restart). One candidate, and no other ccsync request of the same
     * size still waiting for its answer: it is the one our unanswered POST created, and it is tied to us in the
     * database so no other request can take it. Anything else (none, or several: another client on the same API key
     * may have posted an import of the same size) posts again: a repeated import is harmless, adopting someone
     * else's activity would mark records imported that never were.
     */
    public void adopt(@Body String answer, @ExchangeProperty(Work.PROPERTY) BulkBatch batch)
            throws IOException, SQLException {
        Instant since = batch.postedAt().minus(SKEW);
        List<String> candidates = new ArrayList<>();
        for (JsonNode a : JSON.readTree(answer).path("activities")) {
            JsonNode status = a.path("status");
            if (status.path("items_total_count").asInt() == batch.size()
                    && status.path("list_count").asInt() == batch.listIds().size()
                    && !Instant.parse(a.path("created_at").asText()).isBefore(since)) {
                candidates.add(a.path("activity_id").asText());
            }
        }
        candidates.removeAll(posts.owned(candidates));
        if (candidates.isEmpty()) {
            return;
        }
        int othersWaiting = posts.othersWaiting(batch.postId(), batch.size(), batch.listIds().size(), since);
        if (candidates.size() == 1 && othersWaiting == 0 && posts.own(batch.postId(), candidates.get(0))) {
            batch.activityId(candidates.get(0));
            schedule.posted(batch);
            LOG.info("The POST of {} got no answer but arrived: following activity {} instead of posting again",
                    batch, candidates.get(0));
            return;
        }
        // none of them may be adopted later either: one may be our lost import, now running for records we post again
        posts.fence(candidates, batch.size(), batch.listIds().size(), clock.instant());
        LOG.info("The POST of {} got no answer; {} recent activities of the same size are owned by no ccsync request "
                + "and {} other ccsync requests of that size wait for theirs: which one is ours cannot be told, so "
                + "it is posted again (a repeated import is harmless)", batch, candidates.size(), othersWaiting);
    }

    /**
     * Milliseconds until the next status read of the import (the delay before its {@code GET /activities/{id}}): the
     * first when it should be done, then backing off; past the day's share of reads, 00:00 UTC. The source's
     * progress line says what it waits for.
     */
    public long untilNextRead(@ExchangeProperty(Work.PROPERTY) BulkBatch batch,
            @ExchangeProperty("CcsyncProgress") Progress progress) {
        Instant at = schedule.nextRead(batch);
        if (progress != null) {
            progress.waiting("import of " + batch.size() + " records (activity " + batch.activityId()
                    + ") expected done " + when(batch.expectedDone()));
        }
        return Math.max(0, Duration.between(clock.instant(), at).toMillis());
    }

    private String when(Instant at) {
        long s = Duration.between(clock.instant(), at).toSeconds();
        return s <= 0 ? "now" : "in about " + Progress.human(Duration.ofSeconds(s));
    }

    /** The answer of {@code GET /activities/{id}}; an import running past the poll timeout is given up. */
    public void progress(@Body String answer, @ExchangeProperty(Work.PROPERTY) BulkBatch batch) throws IOException {
        batch.activity(JSON.readTree(answer));
        schedule.read(batch);
        if (batch.running() && Duration.between(batch.postedAt(), clock.instant()).compareTo(pollTimeout) > 0) {
            batch.deadLetter("import activity " + batch.activityId() + " was still "
                    + batch.activity().path("state").asText() + " after " + pollTimeout
                    + " (ccsync.delivery.bulk.poll-timeout)");
        }
    }

    /** An import followed to its end: the source's progress line no longer waits for it. */
    public void followed(@ExchangeProperty("CcsyncProgress") Progress progress) {
        if (progress != null) {
            progress.waiting(null);
        }
    }

    /**
     * The final state against what was sent: lines in {@code activity_errors} reject their records with the API's
     * reason; records the activity did not count, or errors it counted without naming, go to the dead letter
     * (a repeated import is harmless; a contact wrongly marked delivered would never be sent again).
     */
    public void confirm(@ExchangeProperty(Work.PROPERTY) BulkBatch batch) {
        if (batch.deadLettered() || batch.activity() == null) {
            return; // given up, or the POST was refused: its records have their outcome already
        }
        JsonNode a = batch.activity();
        String state = a.path("state").asText();
        if (!state.equals("completed")) {
            batch.deadLetter("import activity " + batch.activityId() + " ended " + state + ": "
                    + a.path("activity_errors"));
            return;
        }
        JsonNode status = a.path("status");
        int total = status.path("items_total_count").asInt();
        int errors = status.path("error_count").asInt();
        Map<Integer, String> named = new HashMap<>();
        for (JsonNode error : a.path("activity_errors")) {
            Matcher m = LINE.matcher(error.asText());
            if (m.matches()) {
                named.put(Integer.parseInt(m.group(1)), m.group(2));
            }
        }
        int unexplained = errors - named.size();
        for (int i = 0; i < batch.size(); i++) {
            Item item = batch.items().get(i);
            String error = named.get(i + 1);
            if (!item.pending()) {
                continue;
            }
            if (error != null) {
                item.reject(null, "Constant Contact's import refused it: " + error);
            } else if (i >= total) {
                item.deadLetter("import activity " + batch.activityId() + " counted only " + total + " of "
                        + batch.size() + " records: this one never arrived");
            } else if (unexplained > 0) {
                item.deadLetter("import activity " + batch.activityId() + " reported " + errors + " errors but named "
                        + named.size() + ": this record may have failed");
            } else {
                item.delivered(Item.Outcome.IMPORTED);
            }
        }
        if (total != batch.size() || unexplained > 0) {
            LOG.warn("Import activity {}: sent {}, counted {}, {} errors of which {} named; unconfirmed records are in "
                    + "the dead letter", batch.activityId(), batch.size(), total, errors, named.size());
        }
    }
}
