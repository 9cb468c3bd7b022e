package io.ccsync.source;

import io.ccsync.contract.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.testing.RunningCcsync;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** routes/crm.camel.yaml against the demo CRM (H2): rows after the watermark, in chunks, the watermark after delivery. */
class CrmPollTest {
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

    private void start() {
        Map<String, String> settings = SourcesUnderTest.settings(dir);
        settings.put("ccsync.crm.enabled", "true");
        settings.put("ccsync.source.chunk-size", "5");
        ccsync = SourcesUnderTest.start(settings, delivery);
    }

    private List<Long> ids() {
        return delivery.from("crm").stream().map(r -> Long.valueOf(r.fields().get("ID"))).toList();
    }

    private void crm(String sql) throws Exception {
        try (Connection c = ccsync.bean("crmDb", DataSource.class).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private Watermark watermark() throws Exception {
        return ccsync.bean("sourceWatermarks", Watermarks.class).read("crm");
    }

    @Test
    void theDemoCrmArrivesInChunksWithTheOptOutColumnPassedThrough() throws Exception {
        start();

        await().atMost(Duration.ofSeconds(20)).until(() -> delivery.from("crm").size() == 20);

        // the seed rows share one updated_at: the id breaks the ties, so chunks of 5 neither skip nor repeat
        assertThat(ids()).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(delivery.chunkSizes).containsExactly(5, 5, 5, 5);
        SourceRecord babbage = delivery.from("crm").get(19);
        assertThat(babbage.origin()).isEqualTo("crm id 20");
        assertThat(babbage.fields()).containsEntry("EMAIL", "charles.babbage@example.com")
                .containsEntry("OPTED_OUT", "true").doesNotContainKey("PHONE"); // NULL is absent
        assertThat(delivery.from("crm").get(0).fields()).containsEntry("BIRTHDAY", "1815-12-10")
                .containsEntry("OPTED_OUT", "false");
        await().atMost(Duration.ofSeconds(5)).until(() -> watermark().id().equals("20"));
    }

    @Test
    void aRowAddedOrChangedInTheCrmArrivesAtTheNextPoll() throws Exception {
        start();
        await().atMost(Duration.ofSeconds(20)).until(() -> delivery.from("crm").size() == 20);

        crm("INSERT INTO contacts (email, first_name) VALUES ('new.person@example.com', 'New')");
        crm("UPDATE contacts SET first_name = 'Augusta Ada' WHERE id = 1");

        await().atMost(Duration.ofSeconds(10)).until(() -> delivery.from("crm").size() == 22);
        assertThat(delivery.from("crm").subList(20, 22)).extracting(r -> r.fields().get("FIRST_NAME"))
                .containsExactlyInAnyOrder("New", "Augusta Ada");
    }

    @Test
    void whenDeliveryFailsThePollSendsTheSameRowsAgainInsteadOfSkippingThem() throws Exception {
        delivery.failNext.set(2); // the first chunk fails twice: a crash before delivery confirmed

        start();

        await().atMost(Duration.ofSeconds(20)).until(() -> delivery.from("crm").size() == 20);
        assertThat(delivery.failNext).hasValue(0);
        assertThat(ids()).as("each row once, none skipped")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
    }
}
