package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v3/activities/remove_list_memberships} and {@code POST /v3/activities/contact_delete}: asynchronous
 * activities run by the import worker ({@link BulkImports#submit}), so they go initialized, processing, completed
 * and are read with {@code GET /v3/activities/{id}}. The source is {@code contact_ids} or {@code list_ids} (the
 * contacts on those lists). A delete is soft: {@code deleted_at} is set, the email stays taken, a later import or PUT
 * brings the contact back, and its permission (unsubscribed stays unsubscribed) is kept.
 */
final class ContactActivities {
    static final int MAX_DELETE_IDS = 500;
    static final int MAX_LISTS = 50;

    private final Account account;
    private final BulkImports imports;

    ContactActivities(Account account, BulkImports imports) {
        this.account = account;
        this.imports = imports;
    }

    void post(HttpCall call, String kind, JsonNode body) throws IOException {
        boolean delete = kind.equals("contact_delete");
        JsonNode source = delete ? body : body.path("source");
        JsonNode contactIds = source.get("contact_ids");
        JsonNode sourceLists = source.get("list_ids");
        List<String> problems = new ArrayList<>();
        if ((contactIds == null) == (sourceLists == null)) {
            problems.add((delete ? "" : "source: ") + "give contact_ids or list_ids, one of the two");
        }
        if (contactIds != null && (!contactIds.isArray() || contactIds.isEmpty()
                || delete && contactIds.size() > MAX_DELETE_IDS)) {
            problems.add("contact_ids: 1 to " + (delete ? MAX_DELETE_IDS : "any number of") + " contact ids");
        }
        if (sourceLists != null) {
            listProblems("list_ids", sourceLists, problems);
        }
        List<String> removeFrom = new ArrayList<>();
        if (!delete) {
            JsonNode lists = body.get("list_ids");
            if (lists == null) {
                problems.add("list_ids is required: 1 to " + MAX_LISTS + " lists to remove the contacts from");
            } else if (listProblems("list_ids", lists, problems)) {
                lists.forEach(l -> removeFrom.add(l.asText()));
            }
        }
        if (!problems.isEmpty()) {
            call.json(400, Json.errors(ContactsApi.VALIDATION, problems));
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        if (contactIds != null) {
            contactIds.forEach(id -> items.add(TextNode.valueOf(id.asText())));
        } else {
            Set<String> on = new java.util.HashSet<>();
            sourceLists.forEach(l -> on.add(l.asText()));
            synchronized (account) {
                for (ObjectNode c : account.contacts()) {
                    for (JsonNode l : c.path("list_memberships")) {
                        if (on.contains(l.asText()) && !Account.deleted(c)) {
                            items.add(TextNode.valueOf(c.get("contact_id").asText()));
                            break;
                        }
                    }
                }
            }
        }
        imports.submit(call, items, removeFrom, call.body().length, delete ? this::delete : id -> remove(id, removeFrom));
    }

    /** Under the account's lock (the worker holds it). */
    private boolean delete(JsonNode id) {
        ObjectNode contact = account.contact(id.asText());
        if (contact == null) {
            return false;
        }
        if (!Account.deleted(contact)) {
            contact.put("deleted_at", account.now());
            contact.put("updated_at", account.now());
            account.save(contact);
        }
        return true;
    }

    private boolean remove(JsonNode id, List<String> lists) {
        ObjectNode contact = account.contact(id.asText());
        if (contact == null) {
            return false;
        }
        ArrayNode kept = Json.MAPPER.createArrayNode();
        contact.path("list_memberships").forEach(l -> {
            if (!lists.contains(l.asText())) {
                kept.add(l);
            }
        });
        if (kept.size() != contact.path("list_memberships").size()) {
            contact.set("list_memberships", kept);
            contact.put("updated_at", account.now());
            account.save(contact);
        }
        return true;
    }

    private boolean listProblems(String name, JsonNode lists, List<String> problems) {
        if (!lists.isArray() || lists.isEmpty() || lists.size() > MAX_LISTS) {
            problems.add(name + ": 1 to " + MAX_LISTS + " list ids");
            return false;
        }
        boolean ok = true;
        synchronized (account) {
            for (JsonNode id : lists) {
                if (!id.isTextual() || !account.lists.containsKey(id.asText())) {
                    problems.add(name + ": " + id.asText() + " is not a list of this account");
                    ok = false;
                }
            }
        }
        return ok;
    }
}
