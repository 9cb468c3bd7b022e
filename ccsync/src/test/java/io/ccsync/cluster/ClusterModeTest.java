package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.testing.RunningCcsync;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.simpl.RAMJobStore;

/** Cluster mode off is ccsync as it always was; on, it needs PostgreSQL; the Quartz DDL made safe to run again. */
class ClusterModeTest {
    @TempDir
    Path dir;

    @Test
    void offQuartzKeepsItsJobsInMemoryAndTheDatabaseGetsNoClusterTables() throws Exception {
        Map<String, String> settings = Map.of("ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync"),
                "ccsync.token.file", dir.resolve("tokens.json").toString(),
                "ccsync.delivery.check-names-at-start", "false");
        try (RunningCcsync ccsync = RunningCcsync.start(settings, Map.of())) {
            Cluster cluster = ccsync.bean(Cluster.BEAN, Cluster.class);
            assertThat(cluster.enabled()).isFalse();
            assertThat(cluster.inboxReadLock()).isEqualTo("changed");
            QuartzComponent quartz = ccsync.context().getComponent("quartz", QuartzComponent.class);
            assertThat(quartz.getScheduler().getMetaData().getJobStoreClass()).isEqualTo(RAMJobStore.class);
            assertThat(quartz.getScheduler().getMetaData().isJobStoreClustered()).isFalse();
            DataSource db = ccsync.bean("ccsyncDb", DataSource.class);
            try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                List<String> tables = new java.util.ArrayList<>();
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
                assertThat(tables).contains("delivery_fingerprint", "source_watermark")
                        .noneMatch(t -> t.startsWith("qrtz_") || t.startsWith("inbox_lock")
                                || t.startsWith("delivery_budget"));
            }
        }
    }

    @Test
    void onItRefusesADatabaseThatIsNotPostgresAndSaysWhy() {
        Map<String, String> settings = Map.of("ccsync.cluster.enabled", "true",
                "ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync"),
                "ccsync.token.file", dir.resolve("tokens.json").toString());

        assertThatThrownBy(() -> RunningCcsync.start(settings, Map.of()).close())
                .rootCause().hasMessageContaining("ccsync.cluster.enabled=true needs ccsync.db.url to name a "
                        + "PostgreSQL database that every node shares");
    }

    @Test
    void quartzDdlLosesItsDropsAndCreatesOnlyWhatIsMissing() throws Exception {
        String ddl;
        try (InputStream in = org.quartz.impl.StdSchedulerFactory.class.getClassLoader()
                .getResourceAsStream(ClusterSchema.QUARTZ_DDL)) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        List<String> statements = ClusterSchema.statements(ddl);

        assertThat(statements).hasSize(11 + 20); // Quartz's 11 tables and 20 indexes
        assertThat(statements).noneMatch(s -> s.toUpperCase().startsWith("DROP") || s.equalsIgnoreCase("COMMIT"));
        assertThat(statements).allMatch(s -> s.matches("(?s)CREATE (TABLE|INDEX) IF NOT EXISTS \\w+.*"));
    }
}
