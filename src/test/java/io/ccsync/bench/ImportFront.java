package io.ccsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.Sandbox;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * An HTTP front for the sandbox's API, for the large runs: the sandbox finds a contact by its email with a scan of
 * every contact in the account (fine for tests, O(n) per imported record, so 1,000,000 records would take days),
 * so this front answers {@code POST /v3/activities/contacts_json_import} and {@code GET /v3/activities/{id}} of its
 * own imports itself: it parses each payload in full, counts its records and the distinct emails, and reports the
 * activity completed with those counts. Every other request goes to the sandbox unchanged (names, look-ups,
 * creates, updates, tokens are the sandbox's). Every request is logged, so the bench counts the calls ccsync made.
 */
final class ImportFront implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox sandbox;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<String, ObjectNode> activities = new ConcurrentHashMap<>();
    private final Set<String> emails = ConcurrentHashMap.newKeySet();
    private final List<LoggedRequest> requests = new ArrayList<>();

    ImportFront(Sandbox sandbox) throws IOException {
        this.sandbox = sandbox;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Goes into {@code ccsync.api.base-url}. */
    String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v3";
    }

    /** Distinct emails received in imports. */
    int importedEmails() {
        return emails.size();
    }

    synchronized List<LoggedRequest> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange call) throws IOException {
        String method = call.getRequestMethod();
        String path = call.getRequestURI().getRawPath();
        String query = call.getRequestURI().getRawQuery();
        byte[] body = call.getRequestBody().readAllBytes();
        int status;
        byte[] answer;
        String type = "application/json";
        String auth = call.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            status = 401;
            answer = "[{\"error_key\":\"unauthorized\"}]".getBytes(StandardCharsets.UTF_8);
        } else if (method.equals("POST") && path.equals("/v3/activities/contacts_json_import")) {
            JsonNode request = JSON.readTree(body);
            int records = 0;
            for (JsonNode r : request.path("import_data")) {
                emails.add(r.path("email").asText().toLowerCase());
                records++;
            }
            String id = UUID.randomUUID().toString();
            ObjectNode a = JSON.createObjectNode();
            a.put("activity_id", id);
            a.put("state", "completed");
            a.put("created_at", Instant.now().toString());
            a.put("percent_done", 100);
            a.putArray("activity_errors");
            ObjectNode s = a.putObject("status");
            s.put("items_total_count", records);
            s.put("items_completed_count", records);
            s.put("person_count", records);
            s.put("error_count", 0);
            s.put("list_count", request.path("list_ids").size());
            activities.put(id, a);
            status = 201;
            answer = JSON.writeValueAsBytes(JSON.createObjectNode().put("activity_id", id).put("state", "initialized"));
        } else if (method.equals("GET") && path.startsWith("/v3/activities/")
                && activities.containsKey(path.substring("/v3/activities/".length()))) {
            status = 200;
            answer = JSON.writeValueAsBytes(activities.get(path.substring("/v3/activities/".length())));
        } else {
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path
                    + (query == null ? "" : "?" + query))).method(method, body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            forward.header("Authorization", auth);
            String contentType = call.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                forward.header("Content-Type", contentType);
            }
            try {
                HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = response.statusCode();
                answer = response.body();
                type = response.headers().firstValue("Content-Type").orElse(type);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        synchronized (this) {
            requests.add(new LoggedRequest(method, path + (query == null ? "" : "?" + query), status, null,
                    Instant.now()));
        }
        call.getResponseHeaders().set("Content-Type", type);
        call.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            try (OutputStream out = call.getResponseBody()) {
                out.write(answer);
            }
        }
        call.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
