package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.sandbox.LoggedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.ExchangeHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every call to Constant Contact goes through one route, {@code constant-contact}: the budget, the token and the
 * header clean-up are written once, and a calling route only says what it calls.
 */
class ConstantContactRouteTest {
    private static final Path ROUTES = Path.of("routes");

    @TempDir
    Path dir;

    @Test
    void everyCallTheSandboxAnsweredWasSentByTheOneApiRoute() {
        try (Testbed bed = Testbed.start(dir, Map.of("ccsync.delivery.single-below", "5"))) {
            HttpSends sends = new HttpSends(bed.sandbox.apiUrl());
            bed.ccsync.context().getManagementStrategy().addEventNotifier(sends);
            sends.start();
            int before = bed.apiCalls().size();

            bed.resolveNames();                                   // custom fields, lists, tags
            bed.deliver(Testbed.people(0, 3));                    // one by one: find, create
            bed.deliver(List.of(Testbed.person(1, "first_name", "Changed")));  // find, update
            bed.deliver(Testbed.people(100, 40));                 // an import and its status reads

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(bed.apiCalls().size() - before).isEqualTo(sends.routes.size()));
            List<String> made = bed.apiCalls().subList(before, bed.apiCalls().size()).stream()
                    .map(r -> r.method() + " " + endpoint(r)).distinct().toList();
            assertThat(made).contains("GET /contact_custom_fields", "GET /contact_lists", "GET /contact_tags",
                    "GET /contacts", "POST /contacts", "PUT /contacts/{id}", "POST /activities/contacts_json_import",
                    "GET /activities/{id}");
            assertThat(sends.routes).as("the route each HTTP request to the API was sent from")
                    .isNotEmpty().containsOnly("constant-contact");
        }
    }

    @Test
    void theTokenProcessorAndTheBudgetAppearOnceInTheRouteFilesForTheApi() throws IOException {
        assertThat(count("ref: tokenProcessor")).as("routes with a TokenProcessor: the one API route")
                .containsOnlyKeys("delivery-api.camel.yaml").containsValue(1L);
        assertThat(count("ref: apiBudget")).as("routes using the API budget")
                .containsOnlyKeys("delivery-api.camel.yaml");
        assertThat(count("{{ccsync.api.base-url}}")).as("routes that send to the API")
                .containsOnlyKeys("delivery-api.camel.yaml");
    }

    @Test
    void noRouteCallsAMethodOfTheExchangesWork() throws IOException {
        assertThat(count("CcsyncWork.")).as("OGNL on the per-exchange work; ask a DeliveryPredicates bean").isEmpty();
    }

    /** Route file name → how many times {@code text} occurs in it, for the files where it does. */
    private static Map<String, Long> count(String text) throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            return files.filter(f -> f.toString().endsWith(".camel.yaml"))
                    .collect(java.util.stream.Collectors.toMap(f -> f.getFileName().toString(), f -> {
                        try {
                            return (long) Files.readString(f).split(Pattern.quote(text), -1).length - 1;
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }))
                    .entrySet().stream().filter(e -> e.getValue() > 0)
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }

    private static String endpoint(LoggedRequest r) {
        String path = r.path().replaceAll("\\?.*", "").replaceFirst("^/v3", "");
        return Pattern.compile("/[^/]*\\d[^/]*").matcher(path).replaceAll("/{id}");
    }

    /** The route each HTTP request to the API base was sent from. */
    private static final class HttpSends extends EventNotifierSupport {
        final List<String> routes = new CopyOnWriteArrayList<>();
        private final String apiBase;

        HttpSends(String apiBase) {
            this.apiBase = apiBase;
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeSentEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            CamelEvent.ExchangeSentEvent sent = (CamelEvent.ExchangeSentEvent) event;
            if (sent.getEndpoint().getEndpointUri().startsWith(apiBase)) {
                Exchange exchange = sent.getExchange();
                routes.add(String.valueOf(ExchangeHelper.getAtRouteId(exchange)));
            }
        }
    }
}
