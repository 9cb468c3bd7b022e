package io.ccsync.source;

import static org.awaitility.Awaitility.await;

import io.ccsync.testing.RunningCcsync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The child JVM of {@link HostileInputTest}'s oversized records: ccsync with the real routes and a small heap
 * ({@code -XX:+ExitOnOutOfMemoryError}: running out ends it), the files already in its inbox, a stand-in delivery.
 * Waits until every file has left the inbox and prints the delivered emails.
 */
public final class HostileOversizedRun {
    private HostileOversizedRun() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int files = Integer.parseInt(args[1]);
        StandInDelivery delivery = new StandInDelivery(true);
        try (RunningCcsync ccsync = SourcesUnderTest.start(SourcesUnderTest.settings(dir), delivery)) {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> moved(dir.resolve("inbox/done")) + moved(dir.resolve("inbox/error")) == files);
            System.out.println("DELIVERED " + delivery.received.stream().map(r -> r.fields().get("email"))
                    .collect(Collectors.joining(",")) + " MAXHEAP " + Runtime.getRuntime().maxMemory());
        }
        System.exit(0);
    }

    private static long moved(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> !p.toString().endsWith(".report.txt")).count();
        }
    }
}
