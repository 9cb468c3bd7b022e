package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** /v3/contacts, the sign-up form, custom fields, lists and tags, with Constant Contact's rough edges kept. */
final class ContactsApi {
    static final String VALIDATION = "contacts.api.validation.error";
    private static final Set<String> STATUS_FILTERS = Set.of("all", "active", "deleted", "not_set",
            "pending_confirmation", "temp_hold", "unsubscribed", "explicit", "implicit");
    private static final Set<String> LIST_QUERY = Set.of("email", "status", "lists", "updated_after", "include",
            "limit", "include_count", "optout_after", "optout_before");

    private final Account account;
    /** Test hook: addresses whose contact unsubscribes itself the moment a read has returned it (one read each). */
    private final Set<String> unsubscribeAfterRead = ConcurrentHashMap.newKeySet();
    /** Test hook: addresses whose next PUTs are answered 503 before they are looked at, and how many. */
    private final Map<String, Integer> failingUpdates = new ConcurrentHashMap<>();

    /** Test hook: addresses another client creates just as the next POST of them arrives (which is then dropped). */
    private final Set<String> takenOnNextCreate = ConcurrentHashMap.newKeySet();
    /** Test hook: addresses whose contact withdraws SMS consent the moment a read has returned it. */
    private final Set<String> smsUnsubscribeAfterRead = ConcurrentHashMap.newKeySet();
    private final java.util.Deque<JsonNode> contactWrites = new java.util.ArrayDeque<>();
    /** Test hook: how many of the next taggings activity POSTs are answered 503. */
    private final java.util.concurrent.atomic.AtomicInteger failingTaggings = new java.util.concurrent.atomic.AtomicInteger();

    ContactsApi(Account account) {
        this.account = account;
    }

    /**
     * The person behind {@code email} clicks "unsubscribe" right after the next read of their contact (a search by
     * email or a GET by id) has been answered: the client holds a snapshot that says they are subscribed. What a
     * client that copies consent from its read would turn into a re-subscription.
     */
    void unsubscribeAfterNextRead(String email) {
        unsubscribeAfterRead.add(Account.emailKey(email));
    }

    /**
     * The next POST /contacts of this address is lost on the way (the connection drops, nothing is created), and
     * just then another client creates the contact, subscribed: the POST's retry meets a 409 for a contact that is
     * not the client's.
     */
    void takenByAnotherClientOnNextCreate(String email) {
        takenOnNextCreate.add(Account.emailKey(email));
    }

    /** The next {@code count} PUTs of the contact with this address get a 503 and change nothing. */
    void failNextUpdates(String email, int count) {
        failingUpdates.put(Account.emailKey(email), count);
    }

    /**
     * The person behind {@code email} unsubscribes (the link in an email, with the reason they gave, or none), as
     * Constant Contact records it: {@code opt_out_source: Contact}, {@code opt_out_date} now. False if no such contact.
     */
    boolean unsubscribe(String email, String reason) {
        synchronized (account) {
            Optional<ObjectNode> found = account.byEmail(email);
            if (found.isEmpty()) {
                return false;
            }
            ObjectNode contact = found.get();
            ObjectNode address = (ObjectNode) contact.get("email_address");
            permission(address, "unsubscribed", "Contact");
            if (reason != null) {
                address.put("opt_out_reason", reason);
            }
            address.put("updated_at", account.now());
            contact.put("updated_at", account.now());
            account.save(contact);
            return true;
        }
    }

    /** Disarms every test hook (with {@link Sandbox#reset()}). */
    void resetHooks() {
        unsubscribeAfterRead.clear();
        failingUpdates.clear();
        takenOnNextCreate.clear();
        smsUnsubscribeAfterRead.clear();
        failingTaggings.set(0);
        synchronized (contactWrites) {
            contactWrites.clear();
        }
    }

    private boolean failThisUpdate(String address) {
        String key = Account.emailKey(address);
        Integer left = failingUpdates.get(key);
        if (left == null) {
            return false;
        }
        if (left <= 1) {
            failingUpdates.remove(key);
        } else {
            failingUpdates.put(key, left - 1);
        }
        return true;
    }

    /** Runs the armed unsubscribe of a contact just read (the answer, a copy, still shows the old consent). */
    private void afterRead(ObjectNode contact) {
        if (unsubscribeAfterRead.isEmpty() && smsUnsubscribeAfterRead.isEmpty()) {
            return;
        }
        String address = contact.path("email_address").path("address").asText();
        if (smsUnsubscribeAfterRead.remove(Account.emailKey(address)) && contact.has(Account.SMS_CHANNEL)) {
            ArrayNode consents = ((ObjectNode) contact.get(Account.SMS_CHANNEL)).putArray("sms_channel_consents");
            consents.addObject().put("sms_consent_permission", "unsubscribed").put("consent_type", "promotional_sms")
                    .put("updated_at", account.now());
            contact.put("updated_at", account.now());
            account.save(contact);
        }
        if (unsubscribeAfterRead.remove(Account.emailKey(address))) {
            ObjectNode email = (ObjectNode) contact.get("email_address");
            permission(email, "unsubscribed", "Contact");
            email.put("updated_at", account.now());
            contact.put("updated_at", account.now());
            account.save(contact);
        }
    }

    // ---- /v3/contacts ----

    void list(HttpCall call) throws IOException {
        Map<String, String> q = new TreeMap<>();
        int offset = 0;
        String cursor = first(call, "cursor");
        if (cursor != null) {
            try {
                JsonNode decoded = Json.parse(Base64.getUrlDecoder().decode(cursor));
                decoded.path("q").fields().forEachRemaining(e -> q.put(e.getKey(), e.getValue().asText()));
                offset = decoded.path("o").asInt();
            } catch (IOException | IllegalArgumentException e) {
                call.json(400, Json.errors(VALIDATION, "cursor is not valid"));
                return;
            }
        } else {
            for (String name : LIST_QUERY) {
                String v = first(call, name);
                if (v != null) {
                    q.put(name, v);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        int limit = 50;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 500) {
                problems.add("limit must be between 1 and 500");
            }
        }
        String status = q.get("status");
        if (status != null && !STATUS_FILTERS.contains(status)) {
            problems.add("status must be one of " + String.join(", ", STATUS_FILTERS.stream().sorted().toList()));
        }
        List<String> include = include(q.get("include"), problems);
        Instant updatedAfter = null;
        if (q.containsKey("updated_after")) {
            updatedAfter = instant(q.get("updated_after"));
            if (updatedAfter == null) {
                problems.add("updated_after must be an ISO-8601 date-time such as 2024-01-31T00:00:00Z");
            }
        }
        Instant optoutAfter = null;
        Instant optoutBefore = null;
        if (q.containsKey("optout_after")) {
            optoutAfter = instant(q.get("optout_after"));
            if (optoutAfter == null) {
                problems.add("optout_after must be an ISO-8601 date-time such as 2024-01-31T00:00:00Z");
            }
        }
        if (q.containsKey("optout_before")) {
            optoutBefore = instant(q.get("optout_before"));
            if (optoutBefore == null) {
                problems.add("optout_before must be an ISO-8601 date-time such as 2024-01-31T00:00:00Z");
            }
        }
        if (!problems.isEmpty()) {
            call.json(400, Json.errors(VALIDATION, problems));
            return;
        }
        Set<String> lists = q.containsKey("lists") ? Set.of(q.get("lists").split(",")) : null;
        String email = q.get("email");
        boolean count = "true".equals(q.get("include_count"));
        synchronized (account) {
            ObjectNode answer = Json.object();
            ArrayNode page = answer.putArray("contacts");
            // Each stored contact is read as a copy, so only the page's are kept; the scan stops once it knows
            // there is a next page, unless the count is wanted. By email, the index gives the one candidate.
            Iterable<ObjectNode> candidates = email == null ? account.contacts()
                    : account.byEmail(email).map(List::of).orElse(List.of());
            int matches = 0;
            List<ObjectNode> read = new ArrayList<>();
            for (ObjectNode c : candidates) {
                if (!statusMatches(c, status)
                        || updatedAfter != null && Instant.parse(c.get("updated_at").asText()).isBefore(updatedAfter)
                        || lists != null && !onAnyList(c, lists)
                        || !optedOutBetween(c, optoutAfter, optoutBefore)) {
                    continue;
                }
                if (matches >= offset && matches < offset + limit) {
                    page.add(Account.view(c, include));
                    if (!unsubscribeAfterRead.isEmpty() || !smsUnsubscribeAfterRead.isEmpty()) {
                        read.add(c);
                    }
                }
                matches++;
                if (matches > offset + limit && !count) {
                    break;
                }
            }
            read.forEach(this::afterRead); // after the scan: a save while it runs would disturb it
            int end = Math.min(matches, offset + limit);
            if (count) {
                answer.put("contacts_count", matches);
            }
            ObjectNode links = answer.putObject("_links");
            if (end < matches) {
                ObjectNode next = Json.object();
                q.put("limit", Integer.toString(limit));
                ObjectNode qn = next.putObject("q");
                q.forEach(qn::put);
                next.put("o", end);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(next));
                links.putObject("next").put("href", "/v3/contacts?cursor=" + token);
            }
            call.json(200, answer);
        }
    }

    void create(HttpCall call, JsonNode body) throws IOException {
        written(body);
        synchronized (account) {
            List<String> problems = ContactRules.check(body, ContactRules.Kind.CREATE, account);
            if (!problems.isEmpty()) {
                call.json(400, Json.errors(VALIDATION, problems));
                return;
            }
            String address = body.get("email_address").get("address").asText();
            if (takenOnNextCreate.remove(Account.emailKey(address)) && account.byEmail(address).isEmpty()) {
                ObjectNode theirs = newContact(address, "implicit", "Contact");
                theirs.put("first_name", "Created elsewhere");
                account.add(theirs);
                call.drop();
                return;
            }
            Optional<ObjectNode> taken = account.byEmail(address);
            if (taken.isPresent()) {
                call.json(409, Json.errors("contacts.api.conflict",
                        "Email already exists for contact " + taken.get().get("contact_id").asText()));
                return;
            }
            String source = body.get("create_source").asText();
            String permission = body.get("email_address").path("permission_to_send").asText("implicit");
            ObjectNode contact = newContact(address, permission.isEmpty() ? "implicit" : permission, source);
            applyCore(contact, body, false);
            applySubResources(contact, body);
            account.add(contact);
            call.json(201, Account.ordered(contact));
        }
    }

    void get(HttpCall call, String id) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> include = include(first(call, "include"), problems);
        if (!problems.isEmpty()) {
            call.json(400, Json.errors(VALIDATION, problems));
            return;
        }
        synchronized (account) {
            ObjectNode contact = account.contact(id);
            if (contact == null) {
                notFound(call, id);
                return;
            }
            call.json(200, Account.view(contact, include));
            afterRead(contact);
        }
    }

    void put(HttpCall call, String id, JsonNode body) throws IOException {
        written(body);
        synchronized (account) {
            ObjectNode contact = account.contact(id);
            if (contact == null) {
                notFound(call, id);
                return;
            }
            String stored = contact.path("email_address").path("address").asText();
            if (failThisUpdate(stored)) {
                call.json(503, Json.errors("service_unavailable", "Service Unavailable"));
                return;
            }
            List<String> problems = ContactRules.check(body, ContactRules.Kind.UPDATE, account);
            if (!problems.isEmpty()) {
                call.json(400, Json.errors(VALIDATION, problems));
                return;
            }
            String address = body.get("email_address").get("address").asText();
            Optional<ObjectNode> other = account.byEmail(address);
            if (other.isPresent() && !other.get().get("contact_id").asText().equals(id)) {
                call.json(409, Json.errors("contacts.api.conflict",
                        "Email already exists for contact " + other.get().get("contact_id").asText()));
                return;
            }
            String source = body.get("update_source").asText();
            ObjectNode email = (ObjectNode) contact.get("email_address");
            email.put("address", address);
            JsonNode permission = body.get("email_address").get("permission_to_send");
            if (permission != null && permission.isTextual()) {
                permission(email, permission.asText(), source);
            }
            email.put("updated_at", account.now());
            // The rough edge: core fields the PUT leaves out are blanked.
            applyCore(contact, body, true);
            applySubResources(contact, body);
            contact.put("update_source", source);
            contact.put("updated_at", account.now());
            contact.remove("deleted_at");
            account.save(contact); // moves the email index entry when the address changed
            call.json(200, Account.ordered(contact));
        }
    }

    void delete(HttpCall call, String id) throws IOException {
        synchronized (account) {
            ObjectNode contact = account.contact(id);
            if (contact == null) {
                notFound(call, id);
                return;
            }
            if (!Account.deleted(contact)) {
                contact.put("deleted_at", account.now());
                contact.put("updated_at", account.now());
                account.save(contact);
            }
            call.noContent();
        }
    }

    // ---- /v3/contacts/sign_up_form ----

    void signUpForm(HttpCall call, JsonNode body) throws IOException {
        synchronized (account) {
            List<String> problems = ContactRules.check(body, ContactRules.Kind.SIGN_UP, account);
            if (!problems.isEmpty()) {
                call.json(400, Json.errors(VALIDATION, problems));
                return;
            }
            String address = body.get("email_address").asText();
            Optional<ObjectNode> existing = account.byEmail(address);
            ObjectNode contact;
            boolean created = existing.isEmpty();
            if (created) {
                contact = newContact(address, "explicit", "Contact");
            } else {
                contact = existing.get();
                ObjectNode email = (ObjectNode) contact.get("email_address");
                // The danger ccsync avoids: this re-subscribes someone who opted out.
                permission(email, "explicit", "Contact");
                email.put("updated_at", account.now());
                contact.put("update_source", "Contact");
                contact.remove("deleted_at");
            }
            applyCore(contact, body, false);
            appendSignUp(contact, body);
            contact.put("updated_at", account.now());
            if (created) {
                account.add(contact);
            } else {
                account.save(contact);
            }
            ObjectNode answer = Json.object();
            answer.put("contact_id", contact.get("contact_id").asText());
            answer.put("action", created ? "created" : "updated");
            call.json(created ? 201 : 200, answer);
        }
    }

    private void appendSignUp(ObjectNode contact, JsonNode body) {
        ArrayNode lists = (ArrayNode) contact.get("list_memberships");
        Set<String> have = new LinkedHashSet<>();
        lists.forEach(l -> have.add(l.asText()));
        body.path("list_memberships").forEach(l -> have.add(l.asText()));
        lists.removeAll();
        have.stream().limit(50).forEach(lists::add);
        ArrayNode fields = (ArrayNode) contact.get("custom_fields");
        for (JsonNode f : body.path("custom_fields")) {
            String id = f.get("custom_field_id").asText();
            ObjectNode match = null;
            for (JsonNode have2 : fields) {
                if (have2.get("custom_field_id").asText().equals(id)) {
                    match = (ObjectNode) have2;
                }
            }
            if (match == null && fields.size() < 25) {
                match = fields.addObject().put("custom_field_id", id);
            }
            if (match != null) {
                match.put("value", f.get("value").asText());
            }
        }
        if (body.hasNonNull("phone_number")) {
            addPhone(contact, body.get("phone_number").asText(), "other");
        }
        if (body.hasNonNull("street_address")) {
            ArrayNode addresses = (ArrayNode) contact.get("street_addresses");
            if (addresses.size() < 3) {
                addresses.add(address(body.get("street_address")));
            }
        }
    }

    // ---- /v3/contact_custom_fields and /v3/contact_lists ----

    void customFields(HttpCall call) throws IOException {
        synchronized (account) {
            ObjectNode answer = Json.object();
            ArrayNode fields = answer.putArray("custom_fields");
            account.customFields.values().forEach(f -> fields.add(f.deepCopy()));
            answer.putObject("_links");
            call.json(200, answer);
        }
    }

    void createCustomField(HttpCall call, JsonNode body) throws IOException {
        String label = body.path("label").asText("");
        String type = body.path("type").asText("string");
        List<String> problems = new ArrayList<>();
        if (label.isBlank() || label.length() > 50) {
            problems.add("label is required, at most 50 characters");
        }
        if (!type.equals("string") && !type.equals("date")) {
            problems.add("type must be string or date");
        }
        synchronized (account) {
            if (account.customFields.size() >= Account.MAX_CUSTOM_FIELDS) {
                problems.add("an account can have at most " + Account.MAX_CUSTOM_FIELDS + " custom fields");
            }
            if (!problems.isEmpty()) {
                call.json(400, Json.errors(VALIDATION, problems));
                return;
            }
            if (account.customFieldByName(Account.nameOf(label)).isPresent()) {
                call.json(409, Json.errors("contacts.api.conflict", "A custom field named '" + Account.nameOf(label)
                        + "' already exists"));
                return;
            }
            call.json(201, account.addCustomField(label, type).deepCopy());
        }
    }

    void lists(HttpCall call) throws IOException {
        String name = first(call, "name");
        synchronized (account) {
            ObjectNode answer = Json.object();
            ArrayNode out = answer.putArray("lists");
            for (ObjectNode list : account.lists.values()) {
                if (name == null || list.get("name").asText().equalsIgnoreCase(name)) {
                    out.add(list.deepCopy());
                }
            }
            answer.put("lists_count", out.size());
            answer.putObject("_links");
            call.json(200, answer);
        }
    }

    void createList(HttpCall call, JsonNode body) throws IOException {
        String name = body.path("name").asText("");
        if (name.isBlank() || name.length() > 255) {
            call.json(400, Json.errors(VALIDATION, "name is required, at most 255 characters"));
            return;
        }
        synchronized (account) {
            boolean taken = account.lists.values().stream().anyMatch(l -> l.get("name").asText().equalsIgnoreCase(name));
            if (taken) {
                call.json(409, Json.errors("contact_lists.api.conflict", "A list named '" + name + "' already exists"));
                return;
            }
            call.json(201, account.addList(name, body.path("description").asText(""),
                    body.path("favorite").asBoolean(false)).deepCopy());
        }
    }

    // ---- /v3/contact_tags ----

    /** {@code GET /contact_tags}: {@code limit} 1–500 (default 50), then {@code _links.next.href} with a cursor. */
    void tags(HttpCall call) throws IOException {
        int limit;
        int offset;
        try {
            limit = Integer.parseInt(Optional.ofNullable(first(call, "limit")).orElse("50"));
            offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(
                    Optional.ofNullable(first(call, "cursor")).orElse("MA")), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            call.json(400, Json.errors(VALIDATION, "limit must be 1 to 500 and cursor one the API gave"));
            return;
        }
        if (limit < 1 || limit > 500) {
            call.json(400, Json.errors(VALIDATION, "limit must be between 1 and 500"));
            return;
        }
        synchronized (account) {
            ObjectNode answer = Json.object();
            ArrayNode out = answer.putArray("tags");
            List<ObjectNode> all = new ArrayList<>(account.tags.values());
            all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))
                    .forEach(t -> out.add(t.deepCopy()));
            ObjectNode links = answer.putObject("_links");
            if (offset + limit < all.size()) {
                String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        Integer.toString(offset + limit).getBytes(StandardCharsets.UTF_8));
                links.putObject("next").put("href", "/v3/contact_tags?cursor=" + cursor + "&limit=" + limit);
            }
            call.json(200, answer);
        }
    }

    void createTag(HttpCall call, JsonNode body) throws IOException {
        String name = body.path("name").asText("");
        if (name.isBlank() || name.length() > 255) {
            call.json(400, Json.errors(VALIDATION, "name is required, at most 255 characters"));
            return;
        }
        synchronized (account) {
            if (account.tagByName(name).isPresent()) {
                call.json(409, Json.errors("contact_tags.api.conflict", "A tag named '" + name.strip()
                        + "' already exists"));
                return;
            }
            call.json(201, account.addTag(name.strip()).deepCopy());
        }
    }

    /**
     * {@code contacts_taggings_add} / {@code _remove}: {@code {source: {contact_ids: [..]}, tag_ids: [≤50]}}, applied
     * at once; the answer's activity is already completed. A contact holds at most 50 tags: one that would hold more
     * is an error line of the activity, the others are tagged.
     */
    void taggings(HttpCall call, JsonNode body, boolean add, BulkImports activities) throws IOException {
        if (failingTaggings.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            call.json(503, Json.errors("service_unavailable", "Service Unavailable"));
            return;
        }
        List<String> problems = new ArrayList<>();
        JsonNode ids = body.path("source").path("contact_ids");
        JsonNode tagIds = body.path("tag_ids");
        if (!ids.isArray() || ids.isEmpty() || ids.size() > 500) {
            problems.add("source.contact_ids is required: 1 to 500 contact ids");
        }
        if (!tagIds.isArray() || tagIds.isEmpty() || tagIds.size() > 50) {
            problems.add("tag_ids is required: 1 to 50 tag ids");
        }
        synchronized (account) {
            for (JsonNode t : tagIds) {
                if (!account.tags.containsKey(t.asText())) {
                    problems.add("tag_ids: " + t.asText() + " is not a tag of this account");
                }
            }
            if (!problems.isEmpty()) {
                call.json(400, Json.errors(VALIDATION, problems));
                return;
            }
            List<String> errors = new ArrayList<>();
            int line = 0;
            for (JsonNode id : ids) {
                line++;
                ObjectNode contact = account.contact(id.asText());
                if (contact == null) {
                    errors.add("Line " + line + ": no contact with id " + id.asText());
                    continue;
                }
                Set<String> have = new LinkedHashSet<>(textValues(contact.path("taggings")));
                tagIds.forEach(t -> {
                    if (add) {
                        have.add(t.asText());
                    } else {
                        have.remove(t.asText());
                    }
                });
                if (have.size() > 50) {
                    errors.add("Line " + line + ": a contact can have at most 50 tags");
                    continue;
                }
                ArrayNode taggings = contact.putArray("taggings");
                have.forEach(taggings::add);
                contact.put("updated_at", account.now());
                account.save(contact);
            }
            call.json(201, activities.finished(ids.size(), errors));
        }
    }

    // ---- the contact's JSON ----

    ObjectNode newContact(String address, String permission, String source) {
        String now = account.now();
        ObjectNode contact = Json.object();
        contact.put("contact_id", UUID.randomUUID().toString());
        ObjectNode email = contact.putObject("email_address");
        email.put("address", address);
        email.put("permission_to_send", "not_set");
        email.put("created_at", now);
        permission(email, permission, source);
        email.put("updated_at", now);
        email.put("confirm_status", "off");
        contact.put("create_source", source);
        contact.put("created_at", now);
        contact.put("updated_at", now);
        for (String sub : Account.SUB_RESOURCES) {
            contact.putArray(sub);
        }
        return contact;
    }

    /** Sets permission_to_send with the opt-in or opt-out trail Constant Contact keeps beside it. */
    void permission(ObjectNode email, String permission, String source) {
        String before = email.path("permission_to_send").asText();
        email.put("permission_to_send", permission);
        if (permission.equals(before)) {
            return;
        }
        String now = account.now();
        if (permission.equals("unsubscribed")) {
            email.put("opt_out_source", source);
            email.put("opt_out_date", now);
        } else if (permission.equals("explicit") || permission.equals("implicit")) {
            email.put("opt_in_source", source);
            email.put("opt_in_date", now);
            email.remove("opt_out_source");
            email.remove("opt_out_date");
            email.remove("opt_out_reason");
        }
    }

    /** Core fields from the body; with blankMissing (PUT) the ones it leaves out are removed. */
    static void applyCore(ObjectNode contact, JsonNode body, boolean blankMissing) {
        for (String field : ContactRules.CORE_FIELDS) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull()) {
                contact.set(field, value.deepCopy());
            } else if (blankMissing) {
                contact.remove(field);
            }
        }
    }

    /** Sub-resources the body includes replace the stored ones; those it leaves out are kept. */
    void applySubResources(ObjectNode contact, JsonNode body) {
        String now = account.now();
        if (body.has("custom_fields")) {
            ArrayNode fields = contact.putArray("custom_fields");
            body.path("custom_fields").forEach(f -> fields.addObject()
                    .put("custom_field_id", f.get("custom_field_id").asText()).put("value", f.get("value").asText()));
        }
        if (body.has("list_memberships")) {
            ArrayNode lists = contact.putArray("list_memberships");
            new LinkedHashSet<String>(textValues(body.path("list_memberships"))).forEach(lists::add);
        }
        if (body.has("taggings")) {
            ArrayNode tags = contact.putArray("taggings");
            new LinkedHashSet<String>(textValues(body.path("taggings"))).forEach(tags::add);
        }
        if (body.hasNonNull(Account.SMS_CHANNEL)) {
            sms(contact, body.get(Account.SMS_CHANNEL).path("full_sms_address").asText(),
                    body.get(Account.SMS_CHANNEL).get("sms_channel_consents"), false);
        }
        if (body.has("phone_numbers")) {
            contact.putArray("phone_numbers");
            body.path("phone_numbers").forEach(p -> addPhone(contact, p.get("phone_number").asText(),
                    p.path("kind").asText("other")));
        }
        if (body.has("street_addresses")) {
            ArrayNode addresses = contact.putArray("street_addresses");
            body.path("street_addresses").forEach(a -> addresses.add(address(a)));
        }
        if (body.has("notes")) {
            ArrayNode notes = contact.putArray("notes");
            body.path("notes").forEach(n -> notes.addObject().put("note_id", UUID.randomUUID().toString())
                    .put("created_at", now).put("content", n.get("content").asText()));
        }
    }

    /**
     * Sets the contact's SMS channel. {@code consents} given replace the channel's consents; left out (null), the
     * consents stay when the number is the same and go with the old number when it changes (a consent belongs to the
     * number it was given for). Like {@code permission_to_send} in a PUT, a consent sent is applied even over an SMS
     * unsubscribe (whether Constant Contact refuses that is unconfirmed): only ccsync's care keeps it from happening.
     * An import ({@code keepUnsubscribed}) leaves an SMS unsubscribe as it is, as it does for email.
     */
    void sms(ObjectNode contact, String address, JsonNode consents, boolean keepUnsubscribed) {
        String now = account.now();
        ObjectNode channel = contact.has(Account.SMS_CHANNEL) ? (ObjectNode) contact.get(Account.SMS_CHANNEL)
                : contact.putObject(Account.SMS_CHANNEL);
        boolean sameNumber = address.equals(channel.path("full_sms_address").asText());
        ArrayNode kept = sameNumber && channel.path("sms_channel_consents").isArray()
                ? (ArrayNode) channel.get("sms_channel_consents") : Json.array();
        channel.put("full_sms_address", address);
        channel.put("updated_at", now);
        if (consents != null && consents.isArray()) {
            boolean unsubscribed = false;
            for (JsonNode c : kept) {
                unsubscribed |= c.path("sms_consent_permission").asText().equals("unsubscribed");
            }
            if (!(keepUnsubscribed && unsubscribed)) {
                ArrayNode replaced = Json.array();
                consents.forEach(c -> replaced.add(((ObjectNode) c.deepCopy()).put("updated_at", now)));
                kept = replaced;
            }
        }
        channel.set("sms_channel_consents", kept);
    }

    /**
     * Test hook: the person behind {@code email} replies STOP right after the next read of their contact: its SMS
     * consent becomes unsubscribed while the client holds a read that says explicit.
     */
    void smsUnsubscribeAfterNextRead(String email) {
        smsUnsubscribeAfterRead.add(Account.emailKey(email));
    }

    /** The next {@code count} taggings activity POSTs are answered 503 (0 disarms). */
    void failNextTaggings(int count) {
        failingTaggings.set(count);
    }

    /** The bodies of the POST /contacts and PUT /contacts/{id} received, oldest first (test inspection). */
    List<JsonNode> contactWrites() {
        synchronized (contactWrites) {
            return List.copyOf(contactWrites);
        }
    }

    private void written(JsonNode body) {
        synchronized (contactWrites) {
            contactWrites.addLast(body.deepCopy());
            while (contactWrites.size() > 1_000) {
                contactWrites.pollFirst();
            }
        }
    }

    void addPhone(ObjectNode contact, String number, String kind) {
        ArrayNode phones = (ArrayNode) contact.get("phone_numbers");
        for (JsonNode p : phones) {
            if (p.get("phone_number").asText().equals(number)) {
                return;
            }
        }
        if (phones.size() >= 3) {
            return;
        }
        String now = account.now();
        phones.addObject().put("phone_number_id", UUID.randomUUID().toString()).put("phone_number", number)
                .put("kind", kind).put("created_at", now).put("updated_at", now);
    }

    ObjectNode address(JsonNode given) {
        String now = account.now();
        ObjectNode a = Json.object();
        a.put("street_address_id", UUID.randomUUID().toString());
        for (String f : List.of("kind", "street", "city", "state", "postal_code", "country")) {
            if (given.hasNonNull(f)) {
                a.put(f, given.get(f).asText());
            }
        }
        a.put("created_at", now);
        a.put("updated_at", now);
        return a;
    }

    // ---- helpers ----

    private static List<String> textValues(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static boolean statusMatches(JsonNode contact, String status) {
        boolean deleted = Account.deleted(contact);
        if (status == null || status.equals("active")) {
            return !deleted;
        }
        return switch (status) {
            case "all" -> true;
            case "deleted" -> deleted;
            default -> !deleted && contact.path("email_address").path("permission_to_send").asText().equals(status);
        };
    }

    /** optout_after / optout_before: the contact's opt_out_date strictly after / before them; no date, no match. */
    private static boolean optedOutBetween(JsonNode contact, Instant after, Instant before) {
        if (after == null && before == null) {
            return true;
        }
        String date = contact.path("email_address").path("opt_out_date").asText(null);
        if (date == null) {
            return false;
        }
        Instant at = Instant.parse(date);
        return (after == null || at.isAfter(after)) && (before == null || at.isBefore(before));
    }

    private static boolean onAnyList(JsonNode contact, Set<String> lists) {
        for (JsonNode l : contact.path("list_memberships")) {
            if (lists.contains(l.asText())) {
                return true;
            }
        }
        return false;
    }

    private static List<String> include(String include, List<String> problems) {
        if (include == null || include.isBlank()) {
            return List.of();
        }
        List<String> wanted = Arrays.stream(include.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String w : wanted) {
            if (!Account.SUB_RESOURCES.contains(w) && !w.equals(Account.SMS_CHANNEL)) {
                problems.add("include must name " + String.join(", ", Account.SUB_RESOURCES) + ", "
                        + Account.SMS_CHANNEL + "; not " + w);
            }
        }
        return wanted;
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    static String first(HttpCall call, String name) {
        List<String> values = call.query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void notFound(HttpCall call, String id) throws IOException {
        call.json(404, Json.errors("contacts.api.not.found", "No contact with id " + id));
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
