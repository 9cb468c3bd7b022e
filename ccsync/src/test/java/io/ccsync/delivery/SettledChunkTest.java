package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.source.Watermark;
import io.ccsync.source.Watermarks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record the routes lost track of (left pending: a bug) is reported dead-lettered only if it is in the dead letter
 * table: the report and the table agree, so a source that moves its watermark on the report skips nothing.
 */
class SettledChunkTest {
    @TempDir
    Path dir;

    private Testbed bed;

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** A plan with a bug: the chunk's last record is in neither an import nor the single path. */
    public static final class PlanThatLosesOne {
        public Chunk plan(Chunk chunk) {
            List<Item> pending = chunk.pending();
            chunk.plan(null, true, List.of(), pending.subList(0, pending.size() - 1));
            return chunk;
        }
    }

    @Test
    void aRecordLeftPendingIsInTheDeadLetterTableAsTheReportSays() throws Exception {
        bed = Testbed.start(dir, io.ccsync.sandbox.SandboxOptions.defaults().withRateLimit(1_000)
                .withDailyLimit(1_000_000), Map.of("ccsync.delivery.mode", "single"),
                Map.of("deliveryPlan", new PlanThatLosesOne()));

        DeliveryReport report = bed.deliver(Testbed.people(1, 3));

        assertThat(report.created()).isEqualTo(2);
        assertThat(report.deadLettered()).extracting(DeliveryReport.Problem::email)
                .containsExactly("person3@example.com");
        assertThat(bed.ccsync.bean("deadLetters", DeadLetters.class).list())
                .as("kept for replay, as the report says").extracting(l -> l.record().fields().get("email"))
                .containsExactly("person3@example.com");
    }

    @Test
    void theCrmWatermarkMovesOnlyPastRecordsThatAreDeliveredOrInTheDeadLetterTable() throws Exception {
        // the demo CRM (20 rows) in chunks of 5, each chunk losing its last record to the buggy plan
        bed = Testbed.start(dir, io.ccsync.sandbox.SandboxOptions.defaults().withRateLimit(1_000)
                .withDailyLimit(1_000_000), Map.of("ccsync.delivery.mode", "single", "ccsync.crm.enabled", "true",
                        "ccsync.crm.url", "jdbc:h2:file:" + dir.resolve("crm"), "ccsync.crm.poll-delay", "300",
                        "ccsync.source.chunk-size", "5"),
                Map.of("deliveryPlan", new PlanThatLosesOne()));
        Watermarks watermarks = bed.ccsync.bean("sourceWatermarks", Watermarks.class);

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Watermark w = watermarks.read("crm");
            return w != null && "20".equals(w.id());
        });

        assertThat(bed.ccsync.bean("deadLetters", DeadLetters.class).list())
                .as("every row the watermark passed and Constant Contact lacks is kept for replay")
                .extracting(l -> l.record().origin()).containsExactly("crm id 5", "crm id 10", "crm id 15", "crm id 20");
        assertThat(bed.sandbox.contactCount()).isEqualTo(16);
    }
}
