package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.sandbox.SandboxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unanswered import next to another client's import of the same size on the same API key (a second installation
 * of the same application, as {@link BurstClient} logs in): ccsync cannot tell which activity is its own, so it adopts
 * neither and posts again. Adopting the other one would pin that import's errors on ccsync's records and mark them
 * imported on its word.
 */
class ImportOwnershipTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Testbed bed;

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void aSameSizeImportOfAnotherClientIsNeverAdopted() throws Exception {
        // a long first retry delay: time for the other client's import to land before ccsync looks
        bed = Testbed.start(dir, SandboxOptions.defaults().withRateLimit(1_000).withDailyLimit(1_000_000),
                Map.of("ccsync.delivery.retry.delay", "1500"), Map.of());
        bed.resolveNames();
        String otherClient = JSON.readTree(SandboxLogin.login(bed.sandbox)).path("access_token").asText();
        String listId = JSON.readTree(bed.call("GET", "/contact_lists", null)).path("lists").path(0).path("list_id")
                .asText();
        int before = bed.sandbox.requests().size();

        bed.sandbox.setLostAnswerRate(1.0); // ccsync's import POST is taken, its answer lost
        CompletableFuture<DeliveryReport> delivery = CompletableFuture.supplyAsync(
                () -> bed.deliver(Testbed.people(1, 30)));
        firstLost(before);
        bed.sandbox.setLostAnswerRate(0.0);
        importOfAnotherClient(otherClient, listId, 30); // same size, same list count, its line 2 refused
        DeliveryReport report = delivery.get(60, TimeUnit.SECONDS);

        assertThat(report.rejected()).as("no error of the other import pinned on ccsync's records").isEmpty();
        List<LoggedRequest> after = bed.sandbox.requests().subList(before, bed.sandbox.requests().size());
        assertThat(after).as("ccsync's lost POST, the other client's, ccsync's second")
                .filteredOn(r -> r.method().equals("POST") && r.path().startsWith("/v3/activities/contacts_json_"))
                .hasSize(3);
        assertThat(report.deadLettered()).isEmpty();
        assertThat(report.imported()).isEqualTo(30);
        assertThat(bed.emails()).filteredOn(e -> e.startsWith("person")).hasSize(30).doesNotHaveDuplicates();
    }

    private void importOfAnotherClient(String token, String listId, int size) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode data = body.putArray("import_data");
        for (int i = 1; i <= size; i++) {
            data.addObject().put("email", i == 2 ? "not-an-email" : "other" + i + "@example.org");
        }
        body.putArray("list_ids").add(listId);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(bed.sandbox.apiUrl() + "/activities/contacts_json_import"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    }

    private void firstLost(int from) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<LoggedRequest> log = bed.sandbox.requests();
            if (log.subList(Math.min(from, log.size()), log.size()).stream().anyMatch(LoggedRequest::answerLost)) {
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no lost answer within 30 s");
    }
}
