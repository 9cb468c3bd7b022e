package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.testing.RunningCcsync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox across a restart of ccsync. Kept on the hand-made harness rather than Camel's test kit (InboxRouteTest):
 * the kit gives a test one Camel context, and a restart here is a second ccsync on the same folders and database.
 */
class InboxRestartTest {
    @TempDir
    Path dir;

    private final StandInDelivery delivery = new StandInDelivery(true);
    private RunningCcsync ccsync;

    @AfterEach
    void stop() {
        if (ccsync != null) {
            ccsync.close();
        }
    }

    @Test
    void aProcessedFileIsNotProcessedAgainAfterARestart() throws IOException {
        start();
        drop("first.csv", "email\na@example.com\n");
        awaitDone("first.csv");
        ccsync.close();

        start();
        drop("second.csv", "email\nb@example.com\n");
        awaitDone("second.csv");

        assertThat(delivery.received).extracting(r -> r.fields().get("email"))
                .containsExactly("a@example.com", "b@example.com");
    }

    private void start() {
        ccsync = SourcesUnderTest.start(SourcesUnderTest.settings(dir), delivery);
    }

    private void drop(String name, String text) throws IOException {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path tmp = dir.resolve(name + ".writing");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve(name));
    }

    /** Waits for {@code name}'s report in done/ (the file moves there last). */
    private void awaitDone(String name) {
        Path done = dir.resolve("inbox").resolve("done");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            if (!Files.isDirectory(done)) {
                return false;
            }
            try (Stream<Path> files = Files.list(done)) {
                return files.anyMatch(f -> f.getFileName().toString().matches("\\d{8}-\\d{6}-" + name.replace(".", "\\.")));
            }
        });
    }
}
