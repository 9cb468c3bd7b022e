package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newcomer's path: the demo CRM and a spreadsheet export arrive as contacts in the sandbox, through delivery. */
class SourcesEndToEndTest {
    @TempDir
    Path dir;

    private Sandbox sandbox;
    private RunningCcsync ccsync;

    @AfterEach
    void stop() {
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void theDemoCrmAndADroppedSpreadsheetExportArriveAsContacts() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        String token = SandboxFixture.authorize(sandbox, tokens).read().accessToken();
        SandboxFixture.createTheMappingsCustomField(sandbox, token);
        Map<String, String> settings = SourcesUnderTest.settings(dir);
        settings.putAll(SandboxFixture.settings(sandbox, tokens));
        settings.put("ccsync.crm.enabled", "true");
        settings.put("ccsync.delivery.bulk.poll-interval", "50");
        ccsync = RunningCcsync.start(settings, Map.of());

        Files.createDirectories(dir.resolve("inbox"));
        Files.copy(Path.of("samples/contacts.csv"), dir.resolve("contacts.csv"));
        Files.move(dir.resolve("contacts.csv"), dir.resolve("inbox/contacts.csv"));

        await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.contacts().size() == 25);
        assertThat(permission("charles.babbage@example.com")).as("opted out in the CRM").isEqualTo("unsubscribed");
        assertThat(permission("old.customer@example.com")).as("opted_out=yes in the file").isEqualTo("unsubscribed");
        assertThat(sandbox.contact("jane.doe@example.com").path("company_name").asText()).isEqualTo("Acme, Inc.");
        assertThat(sandbox.contact("ada.lovelace@example.com").path("first_name").asText()).isEqualTo("Ada");
        Path report = await().atMost(Duration.ofSeconds(20)).until(this::doneReport, Optional::isPresent).get();
        assertThat(Files.readString(report)).contains("outcome:  done\n").contains("5 records:");
    }

    private Optional<Path> doneReport() throws Exception {
        Path done = dir.resolve("inbox/done");
        if (!Files.isDirectory(done)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.filter(p -> p.toString().endsWith("contacts.csv.report.txt")).findFirst();
        }
    }

    private String permission(String email) {
        return sandbox.contact(email).path("email_address").path("permission_to_send").asText();
    }

}
