package io.ccsync.sandbox;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code POST /v3/activities/contacts_json_import} and the activity status calls. Imports run one at a time on one
 * background worker (Constant Contact queues an account's imports), at {@link SandboxOptions#importRate()} records a
 * second, a batch per step with a pause between steps, so a client can watch them go from initialized through
 * processing to completed, {@code percent_done} moving with them. Bodies over 4 MB are cut silently, as Constant Contact does;
 * only the inspector says how many records were dropped.
 */
final class BulkImports implements AutoCloseable {
    static final int MAX_RECORDS = 40_000;
    static final int MAX_BYTES = 4_000_000;
    private static final int MAX_ERRORS_KEPT = 5_000;
    private static final List<String> NAME_FIELDS = List.of("first_name", "last_name", "job_title", "company_name");
    private static final List<String> ADDRESS_FIELDS = List.of("street", "city", "state", "zip", "country");

    static final class Activity {
        final String id = UUID.randomUUID().toString();
        /** The records to import; let go of once the import has ended (activities are kept, their records not). */
        private List<JsonNode> records;
        final int total;
        final List<String> listIds;
        final String createdAt;
        final long bodyBytes;
        final int received;
        String state = "initialized";
        String updatedAt;
        String startedAt;
        String completedAt;
        int completed;
        int persons;
        int errors;
        int correctable;
        int cannotAddToList;
        final List<String> activityErrors = new ArrayList<>();
        /** For activities other than imports (ContactActivities): what is done per item, null for an import. */
        private java.util.function.Predicate<JsonNode> step;

        Activity(List<JsonNode> records, List<String> listIds, String now, long bodyBytes, int received) {
            this.records = records;
            this.total = records.size();
            this.listIds = listIds;
            this.createdAt = now;
            this.updatedAt = now;
            this.bodyBytes = bodyBytes;
            this.received = received;
        }

        ObjectNode toJson() {
            ObjectNode n = Json.object();
            n.put("activity_id", id);
            n.put("state", state);
            n.put("created_at", createdAt);
            n.put("updated_at", updatedAt);
            if (startedAt != null) {
                n.put("started_at", startedAt);
            }
            if (completedAt != null) {
                n.put("completed_at", completedAt);
            }
            n.put("percent_done", total == 0 ? 100 : completed * 100 / total);
            ArrayNode errs = n.putArray("activity_errors");
            activityErrors.forEach(errs::add);
            ObjectNode status = n.putObject("status");
            status.put("items_total_count", total);
            status.put("items_completed_count", completed);
            status.put("person_count", persons);
            status.put("error_count", errors);
            status.put("correctable_count", correctable);
            status.put("cannot_add_to_list_count", cannotAddToList);
            status.put("list_count", listIds.size());
            n.putObject("_links").putObject("self").put("href", "/v3/activities/" + id);
            return n;
        }

        /** What only the inspector shows: how much of the body was silently dropped. */
        ObjectNode inspectorJson() {
            ObjectNode n = toJson();
            ObjectNode s = n.putObject("sandbox");
            s.put("body_bytes", bodyBytes);
            s.put("records_received", received);
            s.put("records_kept", total);
            s.put("records_dropped_over_4mb", received - total);
            return n;
        }
    }

    private final Account account;
    private final ContactsApi contacts;
    private final SandboxOptions options;
    private final Map<String, Activity> activities = new LinkedHashMap<>();
    private final BlockingQueue<Activity> queue = new LinkedBlockingQueue<>();
    private final Thread worker;

    BulkImports(Account account, ContactsApi contacts, SandboxOptions options) {
        this.account = account;
        this.contacts = contacts;
        this.options = options;
        this.worker = new Thread(this::work, "ccsync-sandbox-import");
        worker.setDaemon(true);
        worker.start();
    }

    // ---- HTTP ----

    void post(HttpCall call) throws IOException {
        byte[] body = call.body();
        Parsed parsed;
        try {
            parsed = parse(body);
        } catch (IOException | IllegalArgumentException e) {
            call.json(400, Json.errors(ContactsApi.VALIDATION, e instanceof IllegalArgumentException
                    ? e.getMessage() : "the request body is not valid JSON"));
            return;
        }
        List<String> problems = new ArrayList<>();
        if (parsed.received == 0) {
            problems.add("import_data is required: 1 to " + MAX_RECORDS + " records");
        } else if (parsed.received > MAX_RECORDS) {
            problems.add("import_data has " + parsed.received + " records; at most " + MAX_RECORDS + " per request");
        }
        List<String> listIds = new ArrayList<>();
        if (parsed.listIds == null || !parsed.listIds.isArray() || parsed.listIds.isEmpty() || parsed.listIds.size() > 50) {
            problems.add("list_ids is required: 1 to 50 list ids");
        } else {
            synchronized (account) {
                for (JsonNode id : parsed.listIds) {
                    if (!id.isTextual() || !account.lists.containsKey(id.asText())) {
                        problems.add("list_ids: " + id.asText() + " is not a list of this account");
                    }
                    listIds.add(id.asText());
                }
            }
        }
        if (!problems.isEmpty()) {
            call.json(400, Json.errors(ContactsApi.VALIDATION, problems));
            return;
        }
        Activity activity;
        synchronized (this) {
            long queued = activities.values().stream()
                    .filter(a -> a.state.equals("initialized") || a.state.equals("processing")).count();
            if (queued >= options.importQueueLimit()) {
                call.json(429, Json.errors("activities.api.queue.full", "There are already " + queued
                        + " activities queued; wait for some to finish"));
                return;
            }
            activity = new Activity(parsed.kept, List.copyOf(listIds), account.now(), body.length, parsed.received);
            activities.put(activity.id, activity);
        }
        queue.add(activity);
        ObjectNode answer = Json.object();
        answer.put("activity_id", activity.id);
        answer.put("state", "initialized");
        answer.putObject("_links").putObject("self").put("href", "/v3/activities/" + activity.id);
        call.json(201, answer);
    }

    /** An activity done at once (taggings): completed, {@code total} items, these error lines. */
    synchronized ObjectNode finished(int total, List<String> errorLines) {
        Activity a = new Activity(List.of(), List.of(), account.now(), 0, total);
        a.state = "completed";
        a.completed = total;
        a.persons = total - errorLines.size();
        a.errors = errorLines.size();
        a.activityErrors.addAll(errorLines);
        a.completedAt = a.createdAt;
        activities.put(a.id, a);
        return a.toJson();
    }

    void get(HttpCall call, String id) throws IOException {
        synchronized (this) {
            Activity a = activities.get(id);
            if (a == null) {
                call.json(404, Json.errors("activities.api.not.found", "No activity with id " + id));
                return;
            }
            call.json(200, a.toJson());
        }
    }

    void list(HttpCall call) throws IOException {
        String state = ContactsApi.first(call, "state");
        String limitText = ContactsApi.first(call, "limit");
        int limit = 50;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 500) {
                call.json(400, Json.errors(ContactsApi.VALIDATION, "limit must be between 1 and 500"));
                return;
            }
        }
        ObjectNode answer = Json.object();
        ArrayNode out = answer.putArray("activities");
        synchronized (this) {
            List<Activity> all = new ArrayList<>(activities.values());
            for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
                if (state == null || all.get(i).state.equals(state)) {
                    out.add(all.get(i).toJson());
                }
            }
        }
        answer.putObject("_links");
        call.json(200, answer);
    }

    // ---- the 4 MB cut ----

    private record Parsed(List<JsonNode> kept, int received, JsonNode listIds) {
    }

    /** Reads the body record by record, keeping those that end within the first 4,000,000 bytes. */
    private static Parsed parse(byte[] body) throws IOException {
        List<JsonNode> kept = new ArrayList<>();
        int received = 0;
        JsonNode listIds = null;
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the request body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("import_data") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        JsonNode record = p.readValueAsTree();
                        received++;
                        if (p.currentLocation().getByteOffset() <= MAX_BYTES) {
                            kept.add(record);
                        }
                    }
                } else if (name.equals("list_ids")) {
                    listIds = p.readValueAsTree();
                } else {
                    p.skipChildren();
                }
            }
        }
        return new Parsed(kept, received, listIds);
    }

    // ---- the worker ----

    private void work() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Activity a = queue.take();
                try {
                    run(a);
                } catch (RuntimeException e) {
                    synchronized (this) {
                        a.state = "failed";
                        a.activityErrors.add("The import failed in the sandbox: " + e);
                        a.updatedAt = account.now();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Activity a) throws InterruptedException {
        pause(0); // a queued job stays "initialized" for a step, as real ones do for a while
        long started = System.nanoTime();
        synchronized (this) {
            a.state = "processing";
            a.startedAt = account.now();
            a.updatedAt = a.startedAt;
        }
        int batch = options.importBatchSize();
        try {
            for (int i = 0; i < a.total; i++) {
                if (a.step != null) {
                    stepRecord(a, i);
                } else {
                    importRecord(a, i);
                }
                if ((i + 1) % batch == 0 && i + 1 < a.total) {
                    pause(started + (i + 1) * 1_000_000_000L / options.importRate() - System.nanoTime());
                }
            }
            // the last step's records take their time too: the activity completes when the rate says it does
            long left = started + a.total * 1_000_000_000L / options.importRate() - System.nanoTime();
            if (left > 0) {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            }
        } finally {
            a.records = null; // the activity stays listed; a million imported records must not stay with it
        }
        synchronized (this) {
            a.state = "completed";
            a.completedAt = account.now();
            a.updatedAt = a.completedAt;
        }
    }

    /** The step delay, or longer when the import rate needs {@code rateNanos} more before the next step. */
    private void pause(long rateNanos) throws InterruptedException {
        long nanos = Math.max(options.importStepDelay().toNanos(), rateNanos);
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }

    private void importRecord(Activity a, int index) {
        JsonNode r = a.records.get(index);
        String line = "Line " + (index + 1) + ": ";
        List<String> problems = new ArrayList<>();
        boolean emailBad = false;
        boolean cannotAdd = false;
        synchronized (account) {
            String email = r.isObject() ? r.path("email").asText("").trim() : "";
            String emailProblem = ContactRules.emailProblem("email", email);
            if (!r.isObject()) {
                problems.add("the record is not a JSON object");
                emailBad = true;
            } else if (email.isEmpty()) {
                problems.add("email is required");
                emailBad = true;
            } else if (emailProblem != null) {
                problems.add("invalid email address '" + email + "' (" + emailProblem + ")");
                emailBad = true;
            } else {
                problems.addAll(fieldProblems(r));
            }
            if (problems.isEmpty()) {
                cannotAdd = apply(r, email, a.listIds);
            }
        }
        synchronized (this) {
            a.completed++;
            if (problems.isEmpty()) {
                a.persons++;
                if (cannotAdd) {
                    a.cannotAddToList++;
                }
            } else {
                a.errors++;
                if (!emailBad) {
                    a.correctable++;
                }
                if (a.activityErrors.size() < MAX_ERRORS_KEPT) {
                    a.activityErrors.add(line + String.join("; ", problems));
                }
            }
            a.updatedAt = account.now();
        }
    }

    /** One item of a ContactActivities activity: the step says whether it applied (false: an error). */
    private void stepRecord(Activity a, int index) {
        boolean ok;
        synchronized (account) {
            ok = a.step.test(a.records.get(index));
        }
        synchronized (this) {
            a.completed++;
            if (ok) {
                a.persons++;
            } else {
                a.errors++;
                a.activityErrors.add("Item " + (index + 1) + ": no contact with id " + a.records.get(index).asText());
            }
            a.updatedAt = account.now();
        }
    }

    /**
     * Queues an activity that applies {@code step} to each item (contact ids) on the worker, with the same states
     * and queue limit as imports; answers 201 or 429 like {@link #post}.
     */
    void submit(HttpCall call, List<JsonNode> items, List<String> listIds, long bodyBytes,
            java.util.function.Predicate<JsonNode> step) throws IOException {
        Activity activity;
        synchronized (this) {
            long queued = activities.values().stream()
                    .filter(a -> a.state.equals("initialized") || a.state.equals("processing")).count();
            if (queued >= options.importQueueLimit()) {
                call.json(429, Json.errors("activities.api.queue.full", "There are already " + queued
                        + " activities queued; wait for some to finish"));
                return;
            }
            activity = new Activity(items, List.copyOf(listIds), account.now(), bodyBytes, items.size());
            activity.step = step;
            activities.put(activity.id, activity);
        }
        queue.add(activity);
        ObjectNode answer = Json.object();
        answer.put("activity_id", activity.id);
        answer.put("state", "initialized");
        answer.putObject("_links").putObject("self").put("href", "/v3/activities/" + activity.id);
        call.json(201, answer);
    }

    private List<String> fieldProblems(JsonNode r) {
        List<String> problems = new ArrayList<>();
        for (String f : NAME_FIELDS) {
            add(problems, r.hasNonNull(f) ? ContactRules.lengthProblem(f, r.get(f).asText(), 50) : null);
        }
        add(problems, r.hasNonNull("phone") ? ContactRules.lengthProblem("phone", r.get("phone").asText(), 25) : null);
        add(problems, r.hasNonNull("street") ? ContactRules.lengthProblem("street", r.get("street").asText(), 255) : null);
        for (String f : List.of("city", "state", "zip", "country")) {
            add(problems, r.hasNonNull(f) ? ContactRules.lengthProblem(f, r.get(f).asText(), 50) : null);
        }
        if (r.hasNonNull("sms_number") && !ContactRules.SMS_ADDRESS.matcher(r.get("sms_number").asText()).matches()) {
            problems.add("sms_number must be a phone number: 7 to 15 digits, optionally after +");
        }
        if (r.hasNonNull("sms_permission_to_send")
                && !Set.of("explicit", "not_set").contains(r.get("sms_permission_to_send").asText())) {
            problems.add("sms_permission_to_send must be explicit or not_set");
        }
        add(problems, ContactRules.birthdayProblem(r.get("birthday_month"), r.get("birthday_day")));
        add(problems, r.hasNonNull("anniversary") ? ContactRules.anniversaryProblem(r.get("anniversary").asText()) : null);
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.startsWith("cf:")) {
                if (account.customFieldByName(f.substring(3)).isEmpty()) {
                    problems.add("unknown custom field '" + f + "'");
                } else {
                    add(problems, ContactRules.lengthProblem(f, r.get(f).asText(), 255));
                }
            }
        }
        return problems;
    }

    /** Creates or updates one contact with only the fields sent; true when a list could not be added. */
    private boolean apply(JsonNode r, String email, List<String> listIds) {
        ObjectNode contact = account.byEmail(email).orElse(null);
        boolean created = contact == null;
        if (created) {
            contact = contacts.newContact(email, "implicit", "Account");
        } else {
            contact.remove("deleted_at"); // an import brings a deleted contact back; its permission stays
        }
        for (String f : NAME_FIELDS) {
            if (r.hasNonNull(f)) {
                contact.put(f, r.get(f).asText());
            }
        }
        if (r.hasNonNull("birthday_month")) {
            contact.put("birthday_month", ContactRules.intOf(r.get("birthday_month")));
            contact.put("birthday_day", ContactRules.intOf(r.get("birthday_day")));
        }
        if (r.hasNonNull("anniversary")) {
            contact.put("anniversary", r.get("anniversary").asText());
        }
        if (r.hasNonNull("phone")) {
            contacts.addPhone(contact, r.get("phone").asText(), "other");
        }
        if (ADDRESS_FIELDS.stream().anyMatch(r::hasNonNull)) {
            ArrayNode addresses = (ArrayNode) contact.get("street_addresses");
            ObjectNode address = addresses.isEmpty() ? null : (ObjectNode) addresses.get(0);
            if (address == null) {
                address = contacts.address(Json.object().put("kind", "home"));
                addresses.add(address);
            }
            for (String f : ADDRESS_FIELDS) {
                if (r.hasNonNull(f)) {
                    address.put(f.equals("zip") ? "postal_code" : f, r.get(f).asText());
                }
            }
            address.put("updated_at", account.now());
        }
        if (r.hasNonNull("sms_number")) {
            ArrayNode consents = null;
            if (r.path("sms_permission_to_send").asText().equals("explicit")) {
                consents = Json.array();
                ObjectNode consent = consents.addObject().put("sms_consent_permission", "explicit")
                        .put("consent_type", "promotional_sms");
                if (r.hasNonNull("sms_consent_date")) {
                    consent.put("opt_in_date", r.get("sms_consent_date").asText());
                }
            }
            contacts.sms(contact, r.get("sms_number").asText(), consents, true); // not_set or nothing: consent kept
        }
        ArrayNode fields = (ArrayNode) contact.get("custom_fields");
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().startsWith("cf:")) {
                continue;
            }
            String id = account.customFieldByName(e.getKey().substring(3)).orElseThrow().get("custom_field_id").asText();
            ObjectNode match = null;
            for (JsonNode f : fields) {
                if (f.get("custom_field_id").asText().equals(id)) {
                    match = (ObjectNode) f;
                }
            }
            if (match == null && fields.size() < 25) {
                match = fields.addObject().put("custom_field_id", id);
            }
            if (match != null) {
                match.put("value", e.getValue().asText());
            }
        }
        ArrayNode lists = (ArrayNode) contact.get("list_memberships");
        Set<String> have = new LinkedHashSet<>();
        lists.forEach(l -> have.add(l.asText()));
        boolean cannotAdd = false;
        for (String id : listIds) {
            if (!have.contains(id)) {
                if (have.size() >= 50) {
                    cannotAdd = true;
                } else {
                    have.add(id);
                    lists.add(id);
                }
            }
        }
        contact.put("updated_at", account.now());
        if (created) {
            account.add(contact);
        } else {
            account.save(contact);
        }
        return cannotAdd;
    }

    private static void add(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    // ---- for the inspector ----

    synchronized List<ObjectNode> inspectorView() {
        List<ObjectNode> out = new ArrayList<>();
        activities.values().forEach(a -> out.add(0, a.inspectorJson()));
        return out;
    }

    synchronized void reset() {
        queue.clear();
        activities.clear();
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
