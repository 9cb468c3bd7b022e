package io.ccsync.delivery;

import io.ccsync.contract.SourceRecord;
import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.cli.ReplayCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What cannot be delivered goes to the dead letter with reason and attempts; `ccsync replay` sends it again. */
class DeadLetterReplayTest {
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
    void recordsTheApiKeepsFailingAreDeadLetteredThenReplayedOnce() throws Exception {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.retry.attempts", "2"));
        bed.resolveNames();
        bed.sandbox.setFailRate(1.0);
        List<io.ccsync.contract.SourceRecord> records = new ArrayList<>(Testbed.people(1, 20));
        records.add(Testbed.person(21, "opted_out", "yes")); // the single path

        DeliveryReport report = bed.deliver(records);

        assertThat(report.deadLettered()).hasSize(21);
        assertThat(report.deadLettered().get(0).reason()).containsPattern("HTTP 50[03]").contains("3 attempts");
        DeadLetters letters = bed.ccsync.bean("deadLetters", DeadLetters.class);
        assertThat(letters.list()).hasSize(21).allSatisfy(l -> assertThat(l.attempts()).isEqualTo(3));
        assertThat(letters.list().get(0).record().fields()).containsEntry("email", "person1@example.com");

        bed.sandbox.setFailRate(0.0);
        StringWriter out = new StringWriter();
        int exit = ReplayCommand.replay(null, bed.settings, 1000, new PrintWriter(out));

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("Replaying 21 records").contains("0 dead-lettered");
        assertThat(letters.list()).isEmpty();
        assertThat(bed.emails()).hasSize(21).doesNotHaveDuplicates();
        assertThat(bed.deliver(records).unchanged()).as("replay stored the fingerprints").isEqualTo(21);
    }

    @Test
    void replayWithAnEmptyDeadLetterSaysSo() {
        bed = Testbed.start(dir, Map.of());
        StringWriter out = new StringWriter();

        assertThat(ReplayCommand.replay(null, bed.settings, 1000, new PrintWriter(out))).isZero();
        assertThat(out.toString()).contains("nothing to replay");
    }

    @Test
    void aRecordWithAMegabyteColumnTheMappingDoesNotReadIsDeadLetteredWhole() throws Exception {
        bed = Testbed.start(dir, Map.of("ccsync.delivery.retry.attempts", "0"));
        bed.resolveNames();
        bed.sandbox.setFailRate(1.0);
        String notes = "n".repeat(1_500_000);

        DeliveryReport report = bed.deliver(List.of(Testbed.person(1, "notes", notes)));

        assertThat(report.deadLettered()).hasSize(1);
        DeadLetters letters = bed.ccsync.bean("deadLetters", DeadLetters.class);
        assertThat(letters.list()).singleElement()
                .satisfies(l -> assertThat(l.record().fields()).containsEntry("notes", notes));
    }
}
