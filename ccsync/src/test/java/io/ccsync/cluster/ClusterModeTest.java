package io.ccsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.testing.RunningCcsync;
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

/** Cluster mode off is ccsync as it always was; on, it needs PostgreSQL. */
class ClusterModeTest {
    @TempDir
    Path dir;

    @Test
    void offQuartzKeepsItsJobsInMemoryAndLeavesTheClusterTablesEmpty() throws Exception {
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
            // the schema is the same with cluster mode off (Flyway's V2 makes Quartz's tables everywhere), but the
            // in-memory job store writes nothing there: its jobs and this node are in no table
            assertThat(quartz.getScheduler().getJobGroupNames()).isNotEmpty();
            DataSource db = ccsync.bean("ccsyncDb", DataSource.class);
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                for (String table : List.of("qrtz_job_details", "qrtz_triggers", "qrtz_scheduler_state",
                        "inbox_lock", "delivery_budget_permit")) {
                    try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).as(table).isZero();
                    }
                }
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
}
