package io.ccsync.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A long job logs a line per interval (done of total, rate, time left) and one summary line. */
class ProgressTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final List<String> lines = new ArrayList<>();

    @Test
    void logsAtASteadyPaceWithRateAndTimeLeftThenOneSummary() {
        Progress progress = new Progress("contacts.csv", 50_000, Duration.ofSeconds(10), clock, lines::add);

        for (int second = 1; second <= 25; second++) {
            now = now.plusSeconds(1);
            progress.advance(2_000);
        }
        progress.finish("48000 delivered, 2000 rejected");

        assertThat(lines).containsExactly(
                "contacts.csv: 20000 of 50000 records (40%), 2000/s, about 15s left",
                "contacts.csv: 40000 of 50000 records (80%), 2000/s, about 5s left",
                "contacts.csv: 50000 records in 25s (2000/s): 48000 delivered, 2000 rejected");
    }

    @Test
    void anUnknownTotalLogsRecordsAndRateOnly() {
        Progress progress = new Progress("crm poll", -1, Duration.ofMinutes(1), clock, lines::add);

        now = now.plus(Duration.ofMinutes(2));
        progress.advance(600);

        assertThat(lines).containsExactly("crm poll: 600 records, 5/s");
        assertThat(Progress.human(Duration.ofSeconds(3725))).isEqualTo("1h 2m");
    }

    @Test
    void aFileOfUnknownRecordCountSaysHowMuchOfItIsReadAndTheTimeLeftFromThat() {
        long[] read = {0};
        Progress progress = new Progress("big.csv", -1, Duration.ofSeconds(10), clock, lines::add)
                .reading(() -> read[0], 4 * 1024 * 1024);

        now = now.plusSeconds(10);
        read[0] = 1024 * 1024;
        progress.advance(12_000);

        assertThat(lines).containsExactly("big.csv: 12000 records (25% of 4.0 MB read), 1200/s, about 30s left");
        assertThat(Progress.size(900)).isEqualTo("900 B");
        assertThat(Progress.size(12 * 1024)).isEqualTo("12 KB");
    }
}
