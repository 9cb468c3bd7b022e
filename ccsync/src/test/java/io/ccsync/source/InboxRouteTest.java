package io.ccsync.source;

import io.ccsync.contract.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.CcsyncApplication;
import io.ccsync.testing.TestFolder;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import io.ccsync.mapping.GatedPolls;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import testkit.TestKitEdges;

/**
 * routes/inbox.camel.yaml with the real config: files dropped, delivered in chunks, moved with their report. Camel's
 * test kit boots ccsync as {@code ccsync run} does and replaces only the edges: delivery ({@code direct:contacts})
 * by {@link StandInDelivery}, and the re-authorization gate (no Constant Contact here) by one that lets files in.
 */
@CamelMainTest(mainClass = CcsyncApplication.class, configurationClasses = TestKitEdges.class,
        propertyPlaceholderLocations = {"classpath:sources-test.properties", "classpath:route-test.properties",
            CcsyncApplication.CONFIG_LOCATION},
        replaceRouteFromWith = "contacts=direct:real-delivery-not-in-this-test")
class InboxRouteTest {
    private final Path dir = TestFolder.fresh("InboxRouteTest");

    @ReplaceInRegistry
    private final StandInDelivery standInDelivery = new StandInDelivery(true);
    @ReplaceInRegistry
    private final RoutePolicy reauthorizationGate = new RoutePolicySupport() { };
    @ReplaceInRegistry
    private final GatedPolls gatedPolls = new GatedPolls(() -> true); // the gates' own question, answered likewise

    @BeanInject
    CamelContext context;

    private Path inbox() {
        return dir.resolve("inbox");
    }

    private void drop(String name, String text) throws IOException {
        drop(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private void drop(String name, byte[] bytes) throws IOException {
        Files.createDirectories(inbox());
        Path tmp = dir.resolve(name + ".writing"); // written elsewhere and moved in whole, as a careful sender does
        Files.write(tmp, bytes);
        Files.move(tmp, inbox().resolve(name));
    }

    /** Waits for {@code name} to land in done/ or error/ and returns its report. */
    private String reportOf(String folder, String name) {
        await().atMost(Duration.ofSeconds(20)).until(() -> find(folder, name) != null); // moved last
        try {
            return Files.readString(find(folder, name + ".report.txt"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path find(String folder, String name) throws IOException {
        Path d = inbox().resolve(folder);
        if (!Files.isDirectory(d)) {
            return null;
        }
        try (Stream<Path> files = Files.list(d)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{8}-\\d{6}-" + java.util.regex.Pattern.quote(name)))
                    .findFirst().orElse(null);
        }
    }

    @Nested
    @CamelMainTest(properties = "ccsync.source.chunk-size=2")
    class InChunksOfTwo {
        @Test
        void aSpreadsheetExportArrivesInChunksAndMovesToDoneWithItsReport() throws IOException {
            drop("contacts.csv", Files.readAllBytes(Path.of("samples/contacts.csv")));

            String report = reportOf("done", "contacts.csv");
            assertThat(report).contains("outcome:  done\n").contains("5 records: 5 created")
                    .contains("as CSV, UTF-8, delimiter ','");
            assertThat(standInDelivery.chunkSizes).containsExactly(2, 2, 1);
            assertThat(standInDelivery.from("contacts.csv")).extracting(SourceRecord::position)
                    .containsExactly("line 2", "line 3", "line 5", "line 6", "line 7");
            assertThat(inbox().resolve("contacts.csv")).doesNotExist();
        }
    }

    @Nested
    @CamelMainTest(properties = "ccsync.inbox.min-age=1000")
    class WithASecondOfQuiet {
        @Test
        void aFileStillBeingWrittenIsNotPickedUpUntilItIsFinished() throws Exception {
            Files.createDirectories(inbox());
            Path growing = inbox().resolve("growing.csv");
            AtomicInteger rows = new AtomicInteger();
            ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
            try (Writer out = Files.newBufferedWriter(growing, StandardCharsets.UTF_8)) {
                out.write("email,first_name\n");
                out.flush();
                writer.scheduleWithFixedDelay(() -> {
                    try {
                        int n = rows.incrementAndGet();
                        out.write("p" + n + "@example.com,P" + n + "\n");
                        out.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, 0, 200, TimeUnit.MILLISECONDS);

                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                        .until(() -> standInDelivery.received.isEmpty() && Files.exists(growing));

                writer.shutdown();
                assertThat(writer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(reportOf("done", "growing.csv")).contains(rows.get() + " records: " + rows.get() + " created");
            assertThat(standInDelivery.from("growing.csv")).hasSize(rows.get());
        }
    }

    @Test
    void badFilesGoToErrorWithAClearReportAndTheNextFileIsStillProcessed() throws IOException {

        drop("export.csv", new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0, 0, 0});
        drop("empty.csv", "");
        drop("broken.json", """
                [{"email": "a@example.com"},
                 {"email": "b@example.com"},
                 {"email": "c@example.com" "first_name": "Cid"}]
                """);
        drop("contacts.xlsx", "not really");
        drop("later.ndjson", "{\"email\": \"z@example.com\"}\n");

        assertThat(reportOf("error", "export.csv")).contains("error: this is not a text file");
        assertThat(reportOf("error", "empty.csv")).contains("error: the file is empty");
        assertThat(reportOf("error", "broken.json")).contains("error: line 3: JSON syntax error at "
                + "line 3").contains("(the 2 records before it were processed)").contains("2 records: 2 created");
        assertThat(reportOf("error", "contacts.xlsx")).contains("ccsync reads .csv, .json and .ndjson");
        assertThat(reportOf("done", "later.ndjson")).contains("outcome:  done\n");
        assertThat(standInDelivery.received).extracting(r -> r.fields().get("email"))
                .containsExactlyInAnyOrder("a@example.com", "b@example.com", "z@example.com");
    }

    @Test
    void raggedRowsAndAHeaderOnlyFileAreReportedAndTheFilesAreDone() throws IOException {

        drop("ragged.csv", "email,first_name\r\na@example.com,Ann\r\nb@example.com\r\nc@example.com,Cid\r\n");
        drop("header.csv", "email,first_name\r\n");

        String ragged = reportOf("done", "ragged.csv");
        assertThat(ragged).contains("3 records: 2 created").contains(" 1 rejected")
                .contains("Rejected (fix these lines and drop them again in a new file):\n"
                        + "ragged.csv line 3: has 1 fields but the header has 2");
        assertThat(reportOf("done", "header.csv")).contains("outcome:  done: the file has a header and no records");
        assertThat(standInDelivery.from("ragged.csv")).hasSize(2);
    }

    @Test
    void whenDeliveryFailsTheFileStaysAndGoesThroughLater() throws IOException {
        standInDelivery.failNext.set(2);

        drop("contacts.csv", "email\na@example.com\n");

        assertThat(reportOf("done", "contacts.csv")).contains("1 records: 1 created");
        assertThat(standInDelivery.failNext).hasValue(0);
        assertThat(standInDelivery.received).hasSize(1);
    }

    @Test
    void aSecondInboxIsAFewLinesOfYaml() throws Exception {
        Path partner = dir.resolve("partner");
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("partner-inbox.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: file-inbox
                    routeId: partner-inbox
                    parameters:
                      - name: directory
                        value: "%s"
                      - name: delimiter
                        value: ";"
                """.formatted(partner)));
        Files.createDirectories(partner);
        Files.writeString(dir.resolve("p.tmp"), "email;company\np@example.com;Partner, Inc.\n");
        Files.move(dir.resolve("p.tmp"), partner.resolve("partner.csv"));

        await().atMost(Duration.ofSeconds(20)).until(() -> standInDelivery.received.size() == 1);
        assertThat(standInDelivery.received.get(0).fields()).containsEntry("company", "Partner, Inc.");
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (Stream<Path> done = Files.list(partner.resolve("done"))) {
                return done.toList().size() == 2;
            }
        });
        assertThat(context.getRoute("partner-inbox").getEndpoint().getEndpointUri()).contains(partner.toString());
        assertThat(List.of(partner.toFile().list())).doesNotContain("partner.csv");
    }

    @Test
    void aLineBeyondTheJsonParsersLimitsIsRejectedAndTheFileLeavesTheInbox() throws IOException {

        // the second line's error carried no position: reading it threw out of the split, the exchange failed and
        // the file stayed in the inbox, read again at every poll without ever getting its report
        drop("deep.ndjson", "{\"email\": \"a@example.com\"}\n{\"x\": " + "[".repeat(1500) + "]".repeat(1500)
                + "}\n{\"email\": \"c@example.com\"}\n");

        assertThat(reportOf("done", "deep.ndjson")).contains("3 records: 2 created")
                .contains("deep.ndjson line 2: not valid JSON");
        assertThat(standInDelivery.from("deep.ndjson")).hasSize(2);
    }
}
