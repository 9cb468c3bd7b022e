package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ccsync.contract.Progress;
import io.ccsync.testing.RunningCcsync;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A long file logs progress lines (records, share of the file read, rate) while it is delivered. */
class InboxProgressTest {
    private static final int RECORDS = 20_000;

    @TempDir
    Path dir;

    private final StandInDelivery delivery = new StandInDelivery(false);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger progressLogger = (Logger) LoggerFactory.getLogger(Progress.class);
    private RunningCcsync ccsync;

    @BeforeEach
    void listen() {
        log.start();
        progressLogger.addAppender(log);
    }

    @AfterEach
    void stop() {
        progressLogger.detachAppender(log);
        if (ccsync != null) {
            ccsync.close();
        }
    }

    /** The lines so far (the appender appends under its own lock, on Camel's thread). */
    private List<String> lines() {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void aLargeFileLogsProgressWhileItIsDelivered() throws IOException {
        Map<String, String> settings = SourcesUnderTest.settings(dir);
        settings.put("ccsync.progress.interval", "1"); // a millisecond: a line for nearly every chunk
        settings.put("ccsync.source.chunk-size", "500");
        ccsync = SourcesUnderTest.start(settings, delivery);
        Path tmp = dir.resolve("big.csv");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write("email,first_name,last_name\n");
            for (int i = 0; i < RECORDS; i++) {
                out.write("person" + i + "@example.com,First" + i + ",Last" + i + "\n");
            }
        }
        Files.createDirectories(dir.resolve("inbox"));
        Files.move(tmp, dir.resolve("inbox/big.csv"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(delivery.count.get()).isEqualTo(RECORDS);
            assertThat(lines()).filteredOn(l -> l.startsWith("big.csv: ")).isNotEmpty().allSatisfy(l ->
                    assertThat(l).matches("big\\.csv: \\d+ records \\(\\d+% of \\d+(\\.\\d)? [KM]B read\\), "
                            + "\\d+/s(, about .+ left)?"));
        });
    }
}
