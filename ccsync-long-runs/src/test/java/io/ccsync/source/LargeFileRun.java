package io.ccsync.source;

import static org.awaitility.Awaitility.await;

import io.ccsync.testing.RunningCcsync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The child JVM of {@link LargeFileTest}: ccsync with a small heap, one large file in its inbox, a stand-in delivery
 * that only counts. Prints how many records arrived; a heap too small for the file ends it with OutOfMemoryError.
 */
public final class LargeFileRun {
    private LargeFileRun() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        StandInDelivery delivery = new StandInDelivery(false);
        Map<String, String> settings = SourcesUnderTest.settings(dir);
        try (RunningCcsync ccsync = SourcesUnderTest.start(settings, delivery)) {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.isDirectory(dir.resolve("inbox/done")) && Files.list(dir.resolve("inbox/done"))
                            .anyMatch(p -> p.toString().endsWith("large.csv")));
            System.out.println("DELIVERED " + delivery.count.get() + " MAXHEAP " + Runtime.getRuntime().maxMemory());
        }
        System.exit(0);
    }
}
