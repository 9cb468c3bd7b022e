package io.ccsync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.testing.Postgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ccsync's schema under Flyway: a new database gets every migration once, nodes starting together migrate it once, and
 * a database made by the ccsync before Flyway is adopted with its rows. That older layout is the fixture
 * {@code db/before-flyway/} (test resources): the scripts the ccsync before Flyway applied at start, copied as they
 * were, and {@code older/} the first layout (the dead letter's record still VARCHAR(1000000), fewer tables).
 */
class SchemaMigrationTest {
    private static final List<String> BEFORE_FLYWAY = List.of("delivery.sql", "sources.sql", "tokens.sql",
            "lifecycle.sql", "removals.sql");
    private static final List<String> CLUSTER_NODE_BEFORE_FLYWAY = List.of("cluster.sql", "quartz-postgres.sql");

    @TempDir
    Path dir;

    @Test
    void aNewDatabaseGetsEveryMigrationOnceAndTheNextStartChangesNothing() throws Exception {
        String url = h2Url();
        try (HikariDataSource db = startDatabaseConfiguration(url, "sa")) {
            assertThat(history(db)).containsExactly("1 SQL true", "2 SQL true");
            assertThat(count(db, "qrtz_locks")).isZero(); // Quartz's tables are there, as on PostgreSQL
        }
        try (HikariDataSource db = startDatabaseConfiguration(url, "sa")) {
            assertThat(history(db)).containsExactly("1 SQL true", "2 SQL true");
        }
    }

    @Test
    void anH2FileFromBeforeFlywayIsBaselinedWithItsRowsAndGetsTheClusterTables() throws Exception {
        String url = h2Url();
        try (HikariDataSource db = DatabaseConfiguration.pool("before", url, "sa", "")) {
            run(db, "db/before-flyway/", BEFORE_FLYWAY);
            insertRows(db);
        }

        try (HikariDataSource db = startDatabaseConfiguration(url, "sa")) {
            assertThat(history(db)).containsExactly("1 BASELINE true", "2 SQL true");
            assertRowsKept(db);
            assertThat(count(db, "delivery_budget")).isOne(); // V2 ran: cluster mode's tables and the budget's row
        }
    }

    @Test
    void anOlderLayoutIsWidenedCompletedAndKeepsItsLetters() throws Exception {
        String url = h2Url();
        try (HikariDataSource db = DatabaseConfiguration.pool("older", url, "sa", "")) {
            run(db, "db/before-flyway/older/", List.of("delivery.sql", "sources.sql"));
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO delivery_dead_letter (origin, record, sign_up, reason, attempts, failed_at) "
                        + "VALUES ('old.csv line 2', '{}', FALSE, 'HTTP 500', 3, CURRENT_TIMESTAMP)");
            }
        }

        try (HikariDataSource db = startDatabaseConfiguration(url, "sa")) {
            // the tables it lacked came with V1 (IF NOT EXISTS left the two it had alone)
            assertThat(history(db)).containsExactly("0 BASELINE true", "1 SQL true", "2 SQL true");
            assertThat(count(db, "token_state")).isZero();
            String big = "{\"notes\": \"" + "n".repeat(1_500_000) + "\"}";
            try (Connection c = db.getConnection(); PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO delivery_dead_letter (origin, record, sign_up, reason, attempts, failed_at) "
                            + "VALUES ('big.csv line 2', ?, FALSE, 'HTTP 500', 3, CURRENT_TIMESTAMP)")) {
                insert.setString(1, big);
                insert.executeUpdate();
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT record FROM delivery_dead_letter ORDER BY id")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("the letter kept from before").isEqualTo("{}");
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(big);
                }
            }
        }
    }

    @Test
    void aTableOfCcsyncsNameThatCcsyncDidNotMakeStopsTheStartAndIsLeftAsItWas() throws Exception {
        String url = h2Url();
        try (HikariDataSource db = DatabaseConfiguration.pool("foreign", url, "sa", "")) {
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE token_state (account VARCHAR(100) PRIMARY KEY, secret VARCHAR(100))");
            }

            assertThatThrownBy(() -> DatabaseConfiguration.applySchema(db))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a table token_state without column(s) version")
                    .hasMessageContaining("Point ccsync.db.url (CCSYNC_DB_URL) at a database or schema of ccsync's "
                            + "own");
            try (Connection c = db.getConnection()) {
                assertThat(tables(c)).containsExactly("token_state");
            }
        }
    }

    @Test
    void otherApplicationsTablesAndFlywayHistoryBesideCcsyncsDoNotStopTheFirstMigration() throws Exception {
        String url = h2Url();
        try (HikariDataSource db = DatabaseConfiguration.pool("shared", url, "sa", "")) {
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE crm_contact (id INT PRIMARY KEY, email VARCHAR(320))");
                // the neighbour migrates with Flyway too, under Flyway's default history name
                st.execute("CREATE TABLE \"flyway_schema_history\" (\"installed_rank\" INT PRIMARY KEY, "
                        + "\"version\" VARCHAR(50), \"script\" VARCHAR(1000))");
                st.execute("INSERT INTO \"flyway_schema_history\" VALUES (1, '7', 'V7__crm.sql')");
            }

            DatabaseConfiguration.applySchema(db);

            assertThat(history(db)).containsExactly("0 BASELINE true", "1 SQL true", "2 SQL true");
            assertThat(count(db, "crm_contact")).isZero();
            assertThat(count(db, "\"flyway_schema_history\"")).as("the neighbour's history, untouched").isOne();
        }
    }

    @Test
    void aPostgresSchemaOfAClusterNodeFromBeforeFlywayIsBaselinedAtTwoWithItsRows() throws Exception {
        String url = Postgres.newDatabase();
        DataSource before = Postgres.database(url);
        run(before, "db/before-flyway/", BEFORE_FLYWAY);
        run(before, "db/before-flyway/", CLUSTER_NODE_BEFORE_FLYWAY);
        insertRows(before);
        try (Connection c = before.getConnection(); Statement st = c.createStatement()) {
            st.execute("UPDATE delivery_budget SET used_today = 42, day = CURRENT_DATE");
            st.execute("INSERT INTO qrtz_locks (sched_name, lock_name) VALUES ('ccsync', 'TRIGGER_ACCESS')");
        }

        try (HikariDataSource db = startDatabaseConfiguration(url, "postgres")) {
            assertThat(history(db)).containsExactly("2 BASELINE true");
            assertRowsKept(db);
            try (Connection c = db.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT used_today FROM delivery_budget WHERE budget = 'api'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            assertThat(count(db, "qrtz_locks")).isOne();
        }
    }

    @Test
    void aPostgresSchemaOfASingleNodeFromBeforeFlywayIsBaselinedAtOneAndGetsTheClusterTables() throws Exception {
        String url = Postgres.newDatabase();
        DataSource before = Postgres.database(url);
        run(before, "db/before-flyway/", BEFORE_FLYWAY);
        insertRows(before);

        try (HikariDataSource db = startDatabaseConfiguration(url, "postgres")) {
            assertThat(history(db)).containsExactly("1 BASELINE true", "2 SQL true");
            assertRowsKept(db);
            assertThat(count(db, "qrtz_triggers")).isZero();
        }
    }

    @Test
    void nodesStartingTogetherOnANewPostgresDatabaseMigrateItOnce() throws Exception {
        DataSource db = Postgres.database(Postgres.newDatabase());

        together(4, () -> DatabaseConfiguration.applySchema(db));

        assertThat(history(db)).containsExactly("1 SQL true", "2 SQL true");
    }

    @Test
    void nodesStartingTogetherOnAPostgresSchemaFromBeforeFlywayBaselineItOnce() throws Exception {
        DataSource db = Postgres.database(Postgres.newDatabase());
        run(db, "db/before-flyway/", BEFORE_FLYWAY);
        insertRows(db);

        together(4, () -> DatabaseConfiguration.applySchema(db));

        assertThat(history(db)).containsExactly("1 BASELINE true", "2 SQL true");
        assertRowsKept(db);
    }

    private String h2Url() {
        return "jdbc:h2:file:" + dir.resolve("ccsync");
    }

    /** ccsync's DatabaseConfiguration as it runs at start, on {@code url}; its pool (closed by the caller). */
    private static HikariDataSource startDatabaseConfiguration(String url, String user) throws Exception {
        CamelContext context = new DefaultCamelContext();
        Properties settings = new Properties();
        settings.setProperty("ccsync.db.url", url);
        settings.setProperty("ccsync.db.user", user);
        settings.setProperty("ccsync.db.password", "");
        context.getPropertiesComponent().setInitialProperties(settings);
        new DatabaseConfiguration().configure(context);
        return context.getRegistry().lookupByNameAndType("ccsyncDb", HikariDataSource.class);
    }

    private interface Start {
        void run() throws Exception;
    }

    /** {@code nodes} threads released at once, as nodes started at the same moment. */
    private static void together(int nodes, Start start) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> started = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            started.add(pool.submit(() -> {
                go.await();
                start.run();
                return null;
            }));
        }
        go.countDown();
        try {
            for (Future<Object> node : started) {
                node.get(60, TimeUnit.SECONDS); // each node started: none failed on another's migration
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A fixture's scripts, applied the way the ccsync before Flyway applied them: statements end a line with ';'. */
    private static void run(DataSource db, String folder, List<String> files) throws SQLException, IOException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (String file : files) {
                try (InputStream in = SchemaMigrationTest.class.getClassLoader().getResourceAsStream(folder + file)) {
                    String script = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replaceAll("(?m)^\\s*--.*$", "");
                    for (String sql : script.split(";\\s*(\\n|$)")) {
                        if (!sql.isBlank()) {
                            st.execute(sql);
                        }
                    }
                }
            }
        }
    }

    private static void insertRows(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO delivery_fingerprint (email, hash, delivered_at) "
                    + "VALUES ('ada@example.com', 'h1', CURRENT_TIMESTAMP)");
            st.execute("INSERT INTO delivery_dead_letter (origin, email, record, sign_up, reason, attempts, failed_at) "
                    + "VALUES ('old.csv line 2', 'bob@example.com', '{}', FALSE, 'HTTP 500', 3, CURRENT_TIMESTAMP)");
            st.execute("INSERT INTO source_watermark (source_name, last_updated_at, last_id, advanced_at) "
                    + "VALUES ('crm', CURRENT_TIMESTAMP, '17', CURRENT_TIMESTAMP)");
            st.execute("INSERT INTO token_state (account, version, refresh_mode, updated_at) "
                    + "VALUES ('default', 7, 'rotating', CURRENT_TIMESTAMP)");
            st.execute("INSERT INTO lifecycle_optout (email, opted_out_at, found_at) "
                    + "VALUES ('eve@example.com', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            st.execute("INSERT INTO lifecycle_removal_batch (origin, policy, state, removal_count, created_at, "
                    + "updated_at) VALUES ('gone.removals.csv', 'remove', 'held', 1, CURRENT_TIMESTAMP, "
                    + "CURRENT_TIMESTAMP)");
        }
    }

    private static void assertRowsKept(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT email FROM delivery_fingerprint")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ada@example.com");
            }
            try (ResultSet rs = st.executeQuery("SELECT origin, record FROM delivery_dead_letter")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("old.csv line 2");
                assertThat(rs.getString(2)).isEqualTo("{}");
            }
            try (ResultSet rs = st.executeQuery("SELECT version FROM token_state WHERE account = 'default'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(7);
            }
            try (ResultSet rs = st.executeQuery("SELECT last_id FROM source_watermark WHERE source_name = 'crm'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("17");
            }
        }
        assertThat(count(db, "lifecycle_optout")).isOne();
        assertThat(count(db, "lifecycle_removal_batch")).isOne();
    }

    /** Flyway's history: "version type success" per migration or baseline, in order (not its own bookkeeping rows). */
    private static List<String> history(DataSource db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT \"version\", \"type\", \"success\" FROM \"ccsync_schema_history\" "
                        + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBoolean(3));
            }
        }
        return rows;
    }

    private static int count(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT LOWER(table_name) FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
