package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/** The steps of {@code direct:bulk-tag}: see {@link ImportTaggings}. */
public final class BulkTaggings {
    /** Exchange property: the activity being followed, for {@code GET /activities/{id}}. */
    public static final String ACTIVITY_ID = "CcsyncActivityId";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE = Pattern.compile("^Line (\\d+): (.*)$", Pattern.DOTALL);

    private final Clock clock;
    private final Duration pollTimeout;
    /** When each taggings activity was first polled, for the poll timeout. */
    private final Map<String, Instant> started = new ConcurrentHashMap<>();

    public BulkTaggings(Clock clock, Duration pollTimeout) {
        this.clock = clock;
        this.pollTimeout = pollTimeout;
    }

    /** The tagging work of a finished import: its imported records that carry tags. */
    public ImportTaggings start(@ExchangeProperty(Work.PROPERTY) BulkBatch batch) {
        var tagged = batch.items().stream().filter(i -> i.outcome() == Item.Outcome.IMPORTED)
                .filter(i -> !i.tagIds().isEmpty()).toList();
        String listId = batch.listIds().isEmpty() ? "" : batch.listIds().get(0);
        Instant since = batch.postedAt() == null ? clock.instant() : batch.postedAt();
        return new ImportTaggings(tagged, listId, since);
    }

    public String query(@ExchangeProperty(Work.PROPERTY) ImportTaggings work) {
        return work.query();
    }

    /** A page of GET /contacts. */
    public void found(@Body String answer, @ExchangeProperty(Work.PROPERTY) ImportTaggings work) throws IOException {
        JsonNode page = JSON.readTree(answer);
        Map<String, String> ids = new HashMap<>();
        for (JsonNode c : page.path("contacts")) {
            ids.put(c.path("email_address").path("address").asText(), c.path("contact_id").asText());
        }
        JsonNode next = page.path("_links").path("next").path("href");
        work.page(ids, next.isTextual() ? next.asText() : null);
    }

    /** {@code {source: {contact_ids: [..]}, tag_ids: [..]}}. */
    public String body(@ExchangeProperty(Work.PROPERTY) ImportTaggings work) {
        ImportTaggings.Request request = work.next();
        ObjectNode body = JSON.createObjectNode();
        request.contactIds().forEach(body.putObject("source").putArray("contact_ids")::add);
        request.tagIds().forEach(body.putArray("tag_ids")::add);
        return body.toString();
    }

    /** The answer of the POST: the activity is followed next, its id in the exchange property {@value #ACTIVITY_ID}. */
    public void posted(@Body String answer, Exchange exchange) throws IOException {
        ImportTaggings work = exchange.getProperty(Work.PROPERTY, ImportTaggings.class);
        work.posted(JSON.readTree(answer).path("activity_id").asText());
        exchange.setProperty(ACTIVITY_ID, work.activityId());
    }

    /** The answer of {@code GET /activities/{id}}. */
    public void progress(@Body String answer, @ExchangeProperty(Work.PROPERTY) ImportTaggings work)
            throws IOException {
        work.activity(JSON.readTree(answer));
        Instant first = started.computeIfAbsent(work.activityId(), k -> clock.instant());
        if (work.running() && Duration.between(first, clock.instant()).compareTo(pollTimeout) > 0) {
            started.remove(work.activityId());
            work.deadLetter("taggings activity " + work.activityId() + " still ran after " + pollTimeout, 1);
        }
    }

    /**
     * The current request's activity ended: its contacts are tagged when it completed, except those its errors name
     * (rejected with the API's reason); otherwise they go to the dead letter.
     */
    public void ended(@ExchangeProperty(Work.PROPERTY) ImportTaggings work) {
        ImportTaggings.Request request = work.current();
        if (request == null || !work.needed()) {
            return;
        }
        started.remove(work.activityId() == null ? "" : work.activityId());
        JsonNode a = work.activity();
        String state = a == null ? "completed" : a.path("state").asText();
        if (!state.equals("completed")) {
            request.items().forEach(i -> i.deadLetter("imported, but its taggings activity " + work.activityId()
                    + " ended " + state));
        } else if (a != null) {
            for (JsonNode error : a.path("activity_errors")) {
                Matcher m = LINE.matcher(error.asText());
                if (m.matches()) {
                    int line = Integer.parseInt(m.group(1));
                    if (line >= 1 && line <= request.items().size()) {
                        request.items().get(line - 1).reject("taggings", "imported, but Constant Contact refused "
                                + "its tags: " + m.group(2));
                    }
                }
            }
        }
        work.done();
    }
}
