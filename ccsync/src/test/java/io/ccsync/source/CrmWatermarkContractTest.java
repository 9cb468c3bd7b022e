package io.ccsync.source;

import io.ccsync.contract.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.testing.Postgres;
import io.ccsync.testing.RunningCcsync;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRM poll's query contract (issue 14, item 6) on H2 and on PostgreSQL, with the shipped query and routes: a row
 * committed late with an earlier updated_at is read through the overlap, a row with a NULL updated_at is read (and
 * again only when it changed), and times are read as written (TIMESTAMP) or in UTC (timestamptz), whatever the JVM's
 * time zone, so a daylight-saving gap does not move the watermark.
 */
class CrmWatermarkContractTest {
    @TempDir
    Path dir;

    private final StandInDelivery delivery = new StandInDelivery(true);
    private final TimeZone zone = TimeZone.getDefault();
    private RunningCcsync ccsync;
    private String url;

    @AfterEach
    void stop() {
        if (ccsync != null) {
            ccsync.close();
        }
        TimeZone.setDefault(zone);
    }

    /** A CRM with table {@code contacts} (created by {@code ddl}) on {@code database}, then ccsync polling it. */
    private void crm(String database, String ddl, String... rows) throws Exception {
        url = database.equals("postgres") ? Postgres.newDatabase() : "jdbc:h2:file:" + dir.resolve("crm");
        sql(ddl);
        for (String row : rows) {
            sql(row);
        }
    }

    private void start(String database, String chunkSize) {
        Map<String, String> settings = SourcesUnderTest.settings(dir);
        settings.put("ccsync.crm.enabled", "true");
        settings.put("ccsync.crm.url", url);
        settings.put("ccsync.source.chunk-size", chunkSize);
        if (database.equals("postgres")) {
            settings.put("ccsync.crm.user", "postgres");
        }
        ccsync = SourcesUnderTest.start(settings, delivery);
    }

    private void sql(String sql) throws Exception {
        try (Connection c = database(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private Connection database() throws Exception {
        return url.startsWith("jdbc:postgresql:") ? Postgres.database(url).getConnection()
                : DriverManager.getConnection(url, "sa", "");
    }

    private List<String> emails() {
        return delivery.from("crm").stream().map(r -> field(r, "email")).toList();
    }

    private static String field(SourceRecord r, String name) {
        return r.fields().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private Watermark watermark() throws Exception {
        return ccsync.bean("sourceWatermarks", Watermarks.class).read("crm");
    }

    /** Two more polls' time: what has not arrived by then is not coming. */
    private void twoMorePolls() throws Exception {
        int before = delivery.chunkSizes.size();
        sql("INSERT INTO contacts (id, email, updated_at) VALUES (1000, 'marker@example.com', TIMESTAMP '2030-01-01 00:00:00')");
        await().atMost(Duration.ofSeconds(10)).until(() -> emails().contains("marker@example.com"));
        sql("DELETE FROM contacts WHERE id = 1000");
        await().pollDelay(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> true); // 2 polls of 300 ms
        assertThat(delivery.chunkSizes.size()).isGreaterThan(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aRowCommittedLateWithAnEarlierUpdatedAtIsReadThroughTheOverlapAndNothingIsSentTwice(String database)
            throws Exception {
        crm(database, "CREATE TABLE contacts (id BIGINT PRIMARY KEY, email VARCHAR(80), updated_at TIMESTAMP NOT NULL)",
                "INSERT INTO contacts VALUES (1, 'a@example.com', TIMESTAMP '2024-05-01 09:00:00')",
                "INSERT INTO contacts VALUES (2, 'b@example.com', TIMESTAMP '2024-05-01 09:05:00')");
        start(database, "5");
        await().atMost(Duration.ofSeconds(20)).until(() -> emails().size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> watermark().id().equals("2"));

        // a transaction that stamped its row at 09:03 and committed after the poll had read 09:05
        sql("INSERT INTO contacts VALUES (3, 'late@example.com', TIMESTAMP '2024-05-01 09:03:00')");

        await().atMost(Duration.ofSeconds(10)).until(() -> emails().contains("late@example.com"));
        twoMorePolls();
        assertThat(emails()).as("the overlap read again, nothing delivered twice")
                .containsExactly("a@example.com", "b@example.com", "late@example.com", "marker@example.com");
        assertThat(watermark().updatedAt()).as("the watermark never moves back").hasToString("2030-01-01T00:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aRowWithANullUpdatedAtIsReadAndAgainOnlyWhenItChanged(String database) throws Exception {
        crm(database, "CREATE TABLE contacts (id BIGINT PRIMARY KEY, email VARCHAR(80), updated_at TIMESTAMP)",
                "INSERT INTO contacts VALUES (1, 'null@example.com', NULL)",
                "INSERT INTO contacts VALUES (2, 'a@example.com', TIMESTAMP '2024-05-01 09:00:00')");
        start(database, "1"); // a chunk a row: the poll goes on from a NULL row to the next

        await().atMost(Duration.ofSeconds(20)).until(() -> emails().size() == 2);
        assertThat(emails()).containsExactly("a@example.com", "null@example.com");
        await().atMost(Duration.ofSeconds(5)).until(() -> watermark().id().equals("2"));
        assertThat(watermark().updatedAt()).as("a NULL is no watermark").hasToString("2024-05-01T09:00");

        sql("UPDATE contacts SET email = 'changed@example.com' WHERE id = 1"); // updated_at still NULL
        sql("INSERT INTO contacts VALUES (3, 'null2@example.com', NULL)");

        await().atMost(Duration.ofSeconds(10)).until(() -> emails().contains("null2@example.com")
                && emails().contains("changed@example.com"));
        twoMorePolls();
        assertThat(emails()).containsExactlyInAnyOrder("a@example.com", "null@example.com", "changed@example.com",
                "null2@example.com", "marker@example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aTimeInTheDaylightSavingGapDoesNotMoveTheWatermarkAnHour(String database) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin")); // 2024-03-31 02:00 to 03:00 does not exist here
        crm(database, "CREATE TABLE contacts (id BIGINT PRIMARY KEY, email VARCHAR(80), updated_at TIMESTAMP NOT NULL)",
                "INSERT INTO contacts VALUES (1, 'gap@example.com', TIMESTAMP '2024-03-31 02:30:00')");
        start(database, "5");
        await().atMost(Duration.ofSeconds(20)).until(() -> emails().size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> watermark().id().equals("1"));
        assertThat(watermark().updatedAt()).as("as written, not shifted to 03:30").hasToString("2024-03-31T02:30");

        // written 40 minutes later: beyond the overlap, and before the 03:30 a shifted watermark would have said
        sql("INSERT INTO contacts VALUES (2, 'after@example.com', TIMESTAMP '2024-03-31 03:10:00')");

        await().atMost(Duration.ofSeconds(10)).until(() -> emails().contains("after@example.com"));
        assertThat(field(delivery.from("crm").get(0), "updated_at")).isEqualTo("2024-03-31 02:30:00.0");
    }

    @Test
    void timestamptzIsReadAndComparedAsInstantsInUtcWhateverTheJvmZone() throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
        crm("postgres", "CREATE TABLE contacts (id BIGINT PRIMARY KEY, email VARCHAR(80), updated_at TIMESTAMPTZ NOT NULL)",
                // the fall-back night: 01:30 EDT, then 01:10 EST forty minutes later
                "INSERT INTO contacts VALUES (1, 'edt@example.com', TIMESTAMPTZ '2024-11-03 05:30:00+00')");
        start("postgres", "5");
        await().atMost(Duration.ofSeconds(20)).until(() -> emails().size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> watermark().id().equals("1"));
        assertThat(watermark().updatedAt()).as("UTC, not New York's wall clock").hasToString("2024-11-03T05:30");

        sql("INSERT INTO contacts VALUES (2, 'est@example.com', TIMESTAMPTZ '2024-11-03 06:10:00+00')");
        sql("INSERT INTO contacts VALUES (3, 'early@example.com', TIMESTAMPTZ '2024-11-03 05:10:00+00')");

        await().atMost(Duration.ofSeconds(10)).until(() -> emails().contains("est@example.com"));
        twoMorePolls();
        assertThat(emails()).as("05:10Z is older than the overlap: not read; 06:10Z is")
                .containsExactly("edt@example.com", "est@example.com", "marker@example.com");
        // the marker's literal had no zone: PostgreSQL took it in the session's (New York's) zone, 05:00 UTC
        assertThat(watermark().updatedAt()).hasToString("2030-01-01T05:00");
    }
}
