package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRM poll and its watermark on a real PostgreSQL server, as production runs them. */
class CrmPostgresTest {
    @TempDir
    Path dir;

    @Test
    void rowsArriveInWatermarkOrderAndTheWatermarkIsKeptInPostgres() throws Exception {
        String url = Postgres.newDatabase();
        try (Connection c = Postgres.database(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("""
                    CREATE TABLE contacts (id BIGSERIAL PRIMARY KEY, email VARCHAR(80) NOT NULL, first_name VARCHAR(50),
                      opted_out BOOLEAN NOT NULL DEFAULT FALSE, updated_at TIMESTAMP NOT NULL)""");
            st.execute("""
                    INSERT INTO contacts (email, first_name, opted_out, updated_at) VALUES
                      ('c@example.com', 'Cee', FALSE, TIMESTAMP '2024-05-02 10:00:00.123456'),
                      ('a@example.com', 'Ay', FALSE, TIMESTAMP '2024-05-01 09:00:00'),
                      ('b@example.com', NULL, TRUE, TIMESTAMP '2024-05-01 09:00:00')""");
        }
        Map<String, String> settings = SourcesUnderTest.settings(dir);
        settings.put("ccsync.crm.enabled", "true");
        settings.put("ccsync.crm.url", url);
        settings.put("ccsync.crm.user", "postgres");
        settings.put("ccsync.db.url", url);
        settings.put("ccsync.db.user", "postgres");
        settings.put("ccsync.source.chunk-size", "2");
        StandInDelivery delivery = new StandInDelivery(true);

        try (RunningCcsync ccsync = SourcesUnderTest.start(settings, delivery)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> delivery.from("crm").size() == 3);

            assertThat(delivery.from("crm")).extracting(r -> r.fields().get("email"))
                    .containsExactly("a@example.com", "b@example.com", "c@example.com");
            assertThat(delivery.from("crm").get(1).fields()).containsEntry("opted_out", "true")
                    .doesNotContainKey("first_name");
            Watermarks watermarks = ccsync.bean("sourceWatermarks", Watermarks.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> watermarks.read("crm").id().equals("1"));
            assertThat(watermarks.read("crm").updatedAt()).hasToString("2024-05-02T10:00:00.123456");

            try (Connection c = Postgres.database(url).getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO contacts (email, updated_at) VALUES ('d@example.com', TIMESTAMP '2024-05-02 10:00:00.123456')");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> delivery.from("crm").size() == 4);
            assertThat(delivery.from("crm").get(3).fields()).containsEntry("email", "d@example.com");
        }
    }
}
