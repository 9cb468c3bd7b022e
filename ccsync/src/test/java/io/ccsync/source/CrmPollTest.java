package io.ccsync.source;

import io.ccsync.contract.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.CcsyncApplication;
import io.ccsync.testing.TestFolder;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import io.ccsync.mapping.GatedPolls;
import org.apache.camel.BeanInject;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import testkit.TestKitEdges;

/**
 * routes/crm.camel.yaml against the demo CRM (H2): rows after the watermark, in chunks, the watermark after delivery.
 * Camel's test kit boots ccsync as {@code ccsync run} does, with delivery ({@code direct:contacts}) replaced by
 * {@link StandInDelivery} and the re-authorization gate (no Constant Contact here) by one that lets the rows in.
 */
@CamelMainTest(mainClass = CcsyncApplication.class, configurationClasses = TestKitEdges.class,
        propertyPlaceholderLocations = {"classpath:sources-test.properties", "classpath:route-test.properties",
            CcsyncApplication.CONFIG_LOCATION},
        replaceRouteFromWith = "contacts=direct:real-delivery-not-in-this-test",
        properties = {"ccsync.crm.enabled=true", "ccsync.inbox.enabled=false", "ccsync.source.chunk-size=5"})
class CrmPollTest {
    @SuppressWarnings("unused") // its own folder, for the databases the properties name
    private final java.nio.file.Path dir = TestFolder.fresh("CrmPollTest");

    @ReplaceInRegistry
    StandInDelivery standInDelivery = new StandInDelivery(true);
    @ReplaceInRegistry
    private final RoutePolicy reauthorizationGate = new RoutePolicySupport() { };
    @ReplaceInRegistry
    private final GatedPolls gatedPolls = new GatedPolls(() -> true); // the gates' own question, answered likewise

    @BeanInject("crmDb")
    DataSource crmDb;
    @BeanInject("sourceWatermarks")
    Watermarks watermarks;

    private List<Long> ids() {
        return standInDelivery.from("crm").stream().map(r -> Long.valueOf(r.fields().get("ID"))).toList();
    }

    private void crm(String sql) throws Exception {
        try (Connection c = crmDb.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void theDemoCrmArrivesInChunksWithTheOptOutColumnPassedThrough() {
        await().atMost(Duration.ofSeconds(20)).until(() -> standInDelivery.from("crm").size() == 20);

        // the seed rows share one updated_at: the id breaks the ties, so chunks of 5 neither skip nor repeat
        assertThat(ids()).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(standInDelivery.chunkSizes).containsExactly(5, 5, 5, 5);
        SourceRecord babbage = standInDelivery.from("crm").get(19);
        assertThat(babbage.origin()).isEqualTo("crm id 20");
        assertThat(babbage.fields()).containsEntry("EMAIL", "charles.babbage@example.com")
                .containsEntry("OPTED_OUT", "true").doesNotContainKey("PHONE"); // NULL is absent
        assertThat(standInDelivery.from("crm").get(0).fields()).containsEntry("BIRTHDAY", "1815-12-10")
                .containsEntry("OPTED_OUT", "false");
        await().atMost(Duration.ofSeconds(5)).until(() -> watermarks.read("crm").id().equals("20"));
    }

    @Test
    void aRowAddedOrChangedInTheCrmArrivesAtTheNextPoll() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> standInDelivery.from("crm").size() == 20);

        crm("INSERT INTO contacts (email, first_name) VALUES ('new.person@example.com', 'New')");
        crm("UPDATE contacts SET first_name = 'Augusta Ada' WHERE id = 1");

        await().atMost(Duration.ofSeconds(10)).until(() -> standInDelivery.from("crm").size() == 22);
        assertThat(standInDelivery.from("crm").subList(20, 22)).extracting(r -> r.fields().get("FIRST_NAME"))
                .containsExactlyInAnyOrder("New", "Augusta Ada");
    }

    /** The first chunk fails twice, set before Camel starts: a crash before delivery confirmed. */
    @Nested
    class WhenDeliveryFailsTwice {
        {
            standInDelivery.failNext.set(2);
        }

        @Test
        void thePollSendsTheSameRowsAgainInsteadOfSkippingThem() {
            await().atMost(Duration.ofSeconds(20)).until(() -> standInDelivery.from("crm").size() == 20);
            assertThat(standInDelivery.failNext).hasValue(0);
            assertThat(ids()).as("each row once, none skipped")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        }
    }
}
