package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * {@code /sandbox}: what a person (or a test) can see of the sandbox's state, kept apart from the V3 paths.
 * Tokens appear by jti or id, client, scopes, expiry and status: never a token value.
 */
final class Inspector {
    private final Sandbox sandbox;

    Inspector(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    void handle(HttpCall call) throws IOException {
        String path = call.path();
        if (path.equals("/sandbox/api/reset")) {
            if (!call.method().equals("POST")) {
                call.json(405, Json.errors("method_not_allowed", "reset takes POST"));
                return;
            }
            sandbox.reset();
            call.noContent();
            return;
        }
        if (!call.method().equals("GET")) {
            call.json(405, Json.errors("method_not_allowed", "the inspector is read-only"));
            return;
        }
        switch (path) {
            case "/sandbox", "/sandbox/" -> call.html(200, page());
            case "/sandbox/api/contacts" -> call.json(200, wrap("contacts", sandbox.contacts()));
            case "/sandbox/api/activities" -> call.json(200, wrap("activities", sandbox.activitiesForInspector()));
            case "/sandbox/api/tokens" -> call.json(200, wrap("tokens", sandbox.tokenRecords()));
            case "/sandbox/api/requests" -> call.json(200, wrap("requests", requests()));
            default -> call.json(404, Json.errors("not_found", "No inspector page at " + path));
        }
    }

    private static ObjectNode wrap(String name, List<? extends JsonNode> items) {
        ObjectNode n = Json.object();
        ArrayNode a = n.putArray(name);
        items.forEach(a::add);
        return n;
    }

    private List<ObjectNode> requests() {
        return sandbox.requests().stream().map(r -> {
            ObjectNode n = Json.object();
            n.put("method", r.method());
            n.put("path", r.path());
            n.put("status", r.status());
            n.put("answer_lost", r.answerLost());
            n.put("client_id", r.clientId());
            n.put("at", r.at().toString());
            return n;
        }).toList();
    }

    private String page() {
        StringBuilder b = new StringBuilder("<h1>Constant Contact sandbox</h1>");
        b.append("<p>API <code>").append(Html.escape(sandbox.apiUrl())).append("</code>, token endpoint <code>")
                .append(Html.escape(sandbox.tokenUrl())).append("</code>, client <code>")
                .append(Html.escape(sandbox.clientId())).append("</code>. JSON: ")
                .append("<a href=\"/sandbox/api/contacts\">contacts</a>, <a href=\"/sandbox/api/activities\">activities</a>, ")
                .append("<a href=\"/sandbox/api/tokens\">tokens</a>, <a href=\"/sandbox/api/requests\">requests</a>.</p>");

        List<ObjectNode> contacts = sandbox.contacts();
        b.append("<h2>Contacts (").append(contacts.size()).append(")</h2><table id=\"contacts\"><tr><th>id</th>")
                .append("<th>email</th><th>permission</th><th>name</th><th>lists</th><th>updated</th><th>deleted</th></tr>");
        for (ObjectNode c : contacts) {
            b.append(row(c.path("contact_id").asText(), c.path("email_address").path("address").asText(),
                    c.path("email_address").path("permission_to_send").asText(),
                    (c.path("first_name").asText("") + " " + c.path("last_name").asText("")).trim(),
                    c.path("list_memberships").size(), c.path("updated_at").asText(), c.path("deleted_at").asText("")));
        }
        b.append("</table>");

        b.append("<h2>Activities</h2><table id=\"activities\"><tr><th>id</th><th>state</th><th>%</th><th>records</th>")
                .append("<th>errors</th><th>body bytes</th><th>dropped over 4 MB (silently)</th></tr>");
        for (ObjectNode a : sandbox.activitiesForInspector()) {
            JsonNode s = a.path("sandbox");
            b.append(row(a.path("activity_id").asText(), a.path("state").asText(), a.path("percent_done").asInt(),
                    a.path("status").path("items_total_count").asInt(), a.path("status").path("error_count").asInt(),
                    s.path("body_bytes").asLong(), s.path("records_dropped_over_4mb").asInt()));
        }
        b.append("</table>");

        b.append("<h2>Tokens issued</h2><table id=\"tokens\"><tr><th>jti / id</th><th>kind</th><th>client</th>")
                .append("<th>scopes</th><th>issued</th><th>expires</th><th>status</th></tr>");
        for (ObjectNode t : sandbox.tokenRecords()) {
            b.append(row(t.has("jti") ? t.get("jti").asText() : t.path("id").asText(), t.path("kind").asText(),
                    t.path("client_id").asText(), join(t.path("scopes")), t.path("issued_at").asText(),
                    t.path("expires_at").asText(""), t.path("status").asText()));
        }
        b.append("</table>");

        List<LoggedRequest> requests = sandbox.requests();
        b.append("<h2>Requests (newest first, last 200)</h2><table id=\"requests\"><tr><th>at</th><th>method</th>")
                .append("<th>path</th><th>status</th><th>client</th></tr>");
        for (int i = requests.size() - 1; i >= 0 && i >= requests.size() - 200; i--) {
            LoggedRequest r = requests.get(i);
            b.append(row(r.at(), r.method(), r.path(), r.status() == 0 ? "dropped"
                    : r.answerLost() ? r.status() + " (answer lost)" : r.status(), r.clientId()));
        }
        b.append("</table>");
        return Html.page("Constant Contact sandbox", b.toString());
    }

    private static String join(JsonNode array) {
        StringBuilder b = new StringBuilder();
        array.forEach(s -> b.append(b.length() == 0 ? "" : " ").append(s.asText()));
        return b.toString();
    }

    private static String row(Object... cells) {
        StringBuilder b = new StringBuilder("<tr>");
        for (Object c : cells) {
            b.append("<td>").append(Html.escape(c)).append("</td>");
        }
        return b.append("</tr>").toString();
    }
}
