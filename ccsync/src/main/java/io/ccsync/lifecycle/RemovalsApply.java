package io.ccsync.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.delivery.ApiRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies approved removal batches ({@code removalsApply}, from the removals-apply route): finds the contacts' ids, then
 * removes them from the mapping's lists or deletes them, at most 500 ids an activity, and waits for each activity to
 * end. Every call goes through the one API route, {@code direct:constant-contact} (the budget, the token), without an
 * error handler: a failure fails the batch's run and the next run applies it again (removing twice is harmless). Then the emails
 * are forgotten by delta sync and the dead letter, so a contact that comes back is delivered again.
 *
 * <p>Cost: finding ids is one {@code GET /contacts?email=&status=all} per email, or, when that would be more calls,
 * one page of {@code GET /contacts?status=all&limit=500} per 500 contacts in the account (ccsync estimates the account
 * by the contacts it delivered, and stops paging once every email is found); then one POST per 500 contacts found, and
 * one {@code GET /activities/{id}} per poll of each activity.
 */
public final class RemovalsApply {
    static final int IDS_PER_REQUEST = 500;
    private static final int PAGE = 500;
    private static final Logger LOG = LoggerFactory.getLogger(RemovalsApply.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The mapping's default lists, resolved to ids: list name → id. */
    public interface Lists extends Supplier<Map<String, String>> {
    }

    private final RemovalBatches batches;
    private final Supplier<ProducerTemplate> template;
    private final Lists lists;
    private final Duration pollInterval;
    private final Duration pollTimeout;

    public RemovalsApply(RemovalBatches batches, Supplier<ProducerTemplate> template, Lists lists,
            Duration pollInterval, Duration pollTimeout) {
        this.batches = batches;
        this.template = template;
        this.lists = lists;
        this.pollInterval = pollInterval;
        this.pollTimeout = pollTimeout;
    }

    /** Applies every approved batch, one after the other; a failure leaves its batch to the next run. */
    public int applyApproved() throws Exception {
        int applied = 0;
        for (var next = batches.next(); next.isPresent(); next = batches.next()) {
            apply(next.get());
            applied++;
        }
        return applied;
    }

    private void apply(RemovalBatches.Batch batch) throws Exception {
        List<String> emails = batches.emails(batch.id());
        // forgotten before (a record arriving while this runs is delivered, not taken as unchanged) and after (one
        // delivered meanwhile may have been deleted by the activity after it: the next time it is delivered again)
        batches.forget(emails);
        Calls calls = new Calls();
        Map<String, String> ids = find(emails, calls);
        Set<String> activityIds = new java.util.LinkedHashSet<>();
        List<String> targets = new ArrayList<>(ids.values());
        String done;
        if (batch.policy() == RemovalPolicy.DELETE) {
            for (List<String> part : parts(targets)) {
                ObjectNode body = JSON.createObjectNode();
                ids(body.putArray("contact_ids"), part);
                activityIds.add(post("contact_delete", body, calls));
            }
            done = "deleted";
        } else if (batch.policy() == RemovalPolicy.REMOVE_FROM_LISTS) {
            Map<String, String> listIds = lists.get();
            if (listIds.isEmpty()) {
                throw new IllegalStateException("removals from lists need the mapping's lists (the lists key of "
                        + "config/mapping.yaml); it names none");
            }
            for (List<String> part : parts(targets)) {
                ObjectNode body = JSON.createObjectNode();
                ids(body.putObject("source").putArray("contact_ids"), part);
                ids(body.putArray("list_ids"), List.copyOf(listIds.values()));
                activityIds.add(post("remove_list_memberships", body, calls));
            }
            done = "removed from " + String.join(", ", listIds.keySet());
        } else {
            done = "ignored";
        }
        for (String activity : activityIds) {
            await(activity, calls);
        }
        int letters = batches.forget(emails);
        String note = emails.size() + " emails: " + ids.size() + " " + done + ", " + (emails.size() - ids.size())
                + " not in the account (or deleted already); " + calls.count + " API calls"
                + (letters > 0 ? "; " + letters + " dead letters of them dropped" : "");
        batches.done(batch.id(), note);
        LOG.info("Removals batch {} from {} applied: {}", batch.id(), batch.origin(), note);
    }

    /** email → contact id for the emails in the account (not deleted), the cheaper of the two ways. */
    private Map<String, String> find(List<String> emails, Calls calls) throws Exception {
        Map<String, String> found = new LinkedHashMap<>();
        if (emails.isEmpty()) {
            return found;
        }
        long account = Math.max(batches.knownContacts(), emails.size());
        long pages = (account + PAGE - 1) / PAGE;
        if (emails.size() <= pages) {
            for (String email : emails) {
                JsonNode answer = get("email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&status=all",
                        calls);
                collect(answer, Set.of(email), found);
            }
            return found;
        }
        Set<String> wanted = new HashSet<>(emails);
        String query = "status=all&limit=" + PAGE;
        while (query != null && found.size() < wanted.size()) {
            JsonNode answer = get(query, calls);
            collect(answer, wanted, found);
            String next = answer.path("_links").path("next").path("href").asText(null);
            query = next == null || !next.contains("?") ? null : next.substring(next.indexOf('?') + 1);
        }
        return found;
    }

    private static void collect(JsonNode answer, Set<String> wanted, Map<String, String> found) {
        for (JsonNode c : answer.path("contacts")) {
            String email = c.path("email_address").path("address").asText("").toLowerCase(Locale.ROOT);
            boolean deleted = c.hasNonNull("deleted_at");
            if (wanted.contains(email) && !deleted) {
                found.put(email, c.path("contact_id").asText());
            }
        }
    }

    private JsonNode get(String query, Calls calls) throws Exception {
        calls.count++;
        return answer(call("GET /contacts", query, null));
    }

    private String post(String activity, ObjectNode body, Calls calls) throws Exception {
        calls.count++;
        String id = answer(call("POST /activities/" + activity, null, JSON.writeValueAsString(body))).path("activity_id").asText(null);
        if (id == null) {
            throw new IllegalStateException("POST /activities/" + activity + " answered without an activity_id");
        }
        return id;
    }

    /** Polls the activity until it ends; a failed or cancelled one fails the batch (it is applied again later). */
    private void await(String activity, Calls calls) throws Exception {
        long deadline = System.nanoTime() + pollTimeout.toNanos();
        while (true) {
            calls.count++;
            JsonNode status = answer(call("GET /activities/" + activity, null, null));
            String state = status.path("state").asText();
            if (state.equals("completed")) {
                return;
            }
            if (List.of("failed", "cancelled", "timed_out").contains(state)) {
                throw new IllegalStateException("activity " + activity + " ended " + state + ": "
                        + status.path("activity_errors"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("activity " + activity + " still " + state + " after "
                        + pollTimeout + "; the batch is applied again at the next run");
            }
            Thread.sleep(pollInterval.toMillis()); // Constant Contact says nothing when it is done: ask again
        }
    }

    /** One call to Constant Contact: {@code call} is the method and path, as {@code direct:constant-contact} takes it. */
    private Exchange call(String call, String query, String body) {
        return template.get().send("direct:constant-contact", e -> {
            e.getMessage().setHeader(ApiRequest.CALL, call);
            if (query != null) {
                e.getMessage().setHeader(ApiRequest.QUERY, query);
            }
            e.getMessage().setBody(body);
        });
    }

    private static JsonNode answer(Exchange e) throws Exception {
        if (e.getException() != null) {
            throw e.getException();
        }
        return JSON.readTree(e.getMessage().getBody(String.class));
    }

    private static List<List<String>> parts(List<String> ids) {
        List<List<String>> parts = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_REQUEST) {
            parts.add(ids.subList(from, Math.min(ids.size(), from + IDS_PER_REQUEST)));
        }
        return parts;
    }

    private static void ids(ArrayNode array, Collection<String> ids) {
        ids.forEach(array::add);
    }

    private static final class Calls {
        int count;
    }
}
