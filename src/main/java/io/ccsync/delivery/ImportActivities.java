package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Body;
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
    /** Activities some batch already owns, so two batches never adopt the same one. */
    private final Set<String> owned = ConcurrentHashMap.newKeySet();

    public ImportActivities(Clock clock, Duration pollTimeout) {
        this.clock = clock;
        this.pollTimeout = pollTimeout;
    }

    public void posting(@ExchangeProperty(Work.PROPERTY) BulkBatch batch) {
        batch.posting(clock.instant());
    }

    /** The answer of the POST: {@code {activity_id, state, _links}}. */
    public void posted(@Body String answer, @ExchangeProperty(Work.PROPERTY) BulkBatch batch) throws IOException {
        String id = JSON.readTree(answer).path("activity_id").asText();
        owned.add(id);
        batch.activityId(id);
        LOG.info("Import of {} records posted: activity {}", batch.size(), id);
    }

    /**
     * The answer of {@code GET /activities} before a repeated POST: an activity created since our first POST with our
     * record and list counts, and owned by no other batch, is the one our unanswered POST created.
     */
    public void adopt(@Body String answer, @ExchangeProperty(Work.PROPERTY) BulkBatch batch) throws IOException {
        Instant since = batch.postedAt().minus(SKEW);
        for (JsonNode a : JSON.readTree(answer).path("activities")) {
            String id = a.path("activity_id").asText();
            JsonNode status = a.path("status");
            if (status.path("items_total_count").asInt() == batch.size()
                    && status.path("list_count").asInt() == batch.listIds().size()
                    && !Instant.parse(a.path("created_at").asText()).isBefore(since) && owned.add(id)) {
                batch.activityId(id);
                LOG.info("The POST of {} got no answer but arrived: following activity {} instead of posting again",
                        batch, id);
                return;
            }
        }
    }

    /** The answer of {@code GET /activities/{id}}; an import running past the poll timeout is given up. */
    public void progress(@Body String answer, @ExchangeProperty(Work.PROPERTY) BulkBatch batch) throws IOException {
        batch.activity(JSON.readTree(answer));
        if (batch.running() && Duration.between(batch.postedAt(), clock.instant()).compareTo(pollTimeout) > 0) {
            batch.deadLetter("import activity " + batch.activityId() + " was still "
                    + batch.activity().path("state").asText() + " after " + pollTimeout
                    + " (ccsync.delivery.bulk.poll-timeout)");
        }
    }

    /**
     * The final state against what was sent: lines in {@code activity_errors} reject their records with the API's
     * reason; records the activity did not count, or errors it counted without naming, go to the dead letter
     * (a repeated import is harmless; a contact wrongly marked delivered would never be sent again).
     */
    public void confirm(@ExchangeProperty(Work.PROPERTY) BulkBatch batch) {
        if (batch.deadLettered()) {
            return;
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
