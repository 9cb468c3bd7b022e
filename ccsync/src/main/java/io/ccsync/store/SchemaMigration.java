package io.ccsync.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ccsync's schema in ccsyncDb, owned by Flyway: the versioned scripts under {@code db/migration/common} and
 * {@code db/migration/<vendor>} ({@code h2}, {@code postgresql}), applied at start. Nodes starting together are safe:
 * Flyway holds its lock (an advisory lock on PostgreSQL) while it migrates, and the others wait for it and then find
 * nothing left to do.
 *
 * <p>A database made by ccsync before Flyway (its tables, no {@code ccsync_schema_history}) is adopted, not recreated:
 * its tables are checked against the layout the old scripts made ({@link #BEFORE_FLYWAY}), the dead letter's record
 * column is widened where a still older ccsync made it VARCHAR(1000000), and it is baselined at the version it matches:
 * 2 with cluster mode's tables complete, 1 with ccsync's own tables complete, 0 when an older ccsync made only some of
 * them (V1 then adds the rest). Its rows stay where they are.
 */
public final class SchemaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);

    /** The tables V1 makes, with their columns: what the hand-applied scripts made before Flyway (frozen). */
    static final Map<String, List<String>> BEFORE_FLYWAY = Map.of(
            "delivery_fingerprint", List.of("email", "hash", "delivered_at"),
            "delivery_dead_letter", List.of("id", "origin", "email", "record", "sign_up", "reason", "attempts",
                    "failed_at"),
            "delivery_import_post", List.of("post_id", "activity_id", "record_count", "list_count", "posted_at"),
            "source_watermark", List.of("source_name", "last_updated_at", "last_id", "advanced_at"),
            "token_state", List.of("account", "version", "access_token", "refresh_token", "scope",
                    "refresh_token_since", "refresh_mode", "last_refresh_at", "last_refresh_outcome", "reauthorization",
                    "refresh_started_at", "incoming", "incoming_at", "lease_holder", "lease_until", "updated_at"),
            "lifecycle_optout", List.of("email", "opted_out_at", "opt_out_source", "reason", "found_at", "file_name",
                    "file_written_at", "crm_applied_at"),
            "lifecycle_watermark", List.of("name", "optout_after", "advanced_at"),
            "lifecycle_removal_batch", List.of("id", "origin", "policy", "state", "removal_count", "note",
                    "created_at", "updated_at"),
            "lifecycle_removal", List.of("batch_id", "email"));

    /** The tables V2 makes: what a cluster node made before Flyway (its db/cluster.sql and Quartz's DDL). */
    static final Map<String, List<String>> CLUSTER_BEFORE_FLYWAY = Map.ofEntries(
            Map.entry("delivery_budget", List.of("budget", "day", "used_today", "paused_until", "held_until")),
            Map.entry("delivery_budget_permit", List.of("id", "node", "granted_at", "released_at")),
            Map.entry("inbox_lock", List.of("file_key", "node", "locked_at", "heartbeat_at")),
            Map.entry("qrtz_job_details", List.of("sched_name", "job_name", "job_group")),
            Map.entry("qrtz_triggers", List.of("sched_name", "trigger_name", "trigger_group", "next_fire_time")),
            Map.entry("qrtz_simple_triggers", List.of("sched_name", "trigger_name", "trigger_group")),
            Map.entry("qrtz_cron_triggers", List.of("sched_name", "trigger_name", "trigger_group")),
            Map.entry("qrtz_simprop_triggers", List.of("sched_name", "trigger_name", "trigger_group")),
            Map.entry("qrtz_blob_triggers", List.of("sched_name", "trigger_name", "trigger_group")),
            Map.entry("qrtz_calendars", List.of("sched_name", "calendar_name")),
            Map.entry("qrtz_paused_trigger_grps", List.of("sched_name", "trigger_group")),
            Map.entry("qrtz_fired_triggers", List.of("sched_name", "entry_id")),
            Map.entry("qrtz_scheduler_state", List.of("sched_name", "instance_name")),
            Map.entry("qrtz_locks", List.of("sched_name", "lock_name")));

    /** Not Flyway's default name: another application's Flyway may share the schema, and its history is not ccsync's. */
    static final String HISTORY = "ccsync_schema_history";

    private SchemaMigration() {
    }

    /** Brings ccsyncDb's schema to the newest version (adopting a database from before Flyway first). */
    public static void migrate(DataSource db) throws SQLException {
        String vendor;
        boolean withoutHistory;
        String baseline = "0";
        try (Connection c = db.getConnection()) {
            vendor = vendor(c);
            Map<String, Map<String, Column>> tables = tables(c);
            // Tables but no history: ccsync's tables from before Flyway (baselined at the version they match) or other
            // applications' tables beside ccsync's (baselined at 0: every migration runs). Not for an empty schema,
            // where a node starting at the same moment may just have made the history table (Flyway would then try to
            // baseline over that node's migration; without baselineOnMigrate it waits for that node's lock).
            withoutHistory = !tables.isEmpty() && !tables.containsKey(HISTORY);
            if (withoutHistory) {
                baseline = adopt(c, tables);
            }
        }
        MigrateResult result = Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(db)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor)
                .table(HISTORY)
                .baselineOnMigrate(withoutHistory)
                .baselineVersion(baseline)
                .baselineDescription("tables found before Flyway") // no quote in it: Flyway puts it in SQL as it is
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info("ccsync's database schema migrated from version {} to {} ({} migration(s))",
                    result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                    result.targetSchemaVersion, result.migrationsExecuted);
        }
    }

    /**
     * The version a schema without Flyway's history stands at: 0 when ccsync never used it; else its tables are checked
     * and the dead letter widened, and the version they match is the baseline.
     */
    private static String adopt(Connection c, Map<String, Map<String, Column>> tables) throws SQLException {
        List<String> mine = new ArrayList<>();
        for (String table : tables.keySet()) {
            if (BEFORE_FLYWAY.containsKey(table) || CLUSTER_BEFORE_FLYWAY.containsKey(table)) {
                mine.add(table);
            }
        }
        if (mine.isEmpty()) {
            return "0";
        }
        requireLayout(tables, BEFORE_FLYWAY);
        requireLayout(tables, CLUSTER_BEFORE_FLYWAY);
        Column record = tables.getOrDefault("delivery_dead_letter", Map.of()).get("record");
        if (record != null && Long.valueOf(1_000_000).equals(record.length())) {
            // made before the dead letter took records of any size: a megabyte column overflowed it (V1 says TEXT)
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE delivery_dead_letter ALTER COLUMN record SET DATA TYPE TEXT");
            }
        }
        String version = tables.keySet().containsAll(BEFORE_FLYWAY.keySet())
                ? tables.keySet().containsAll(CLUSTER_BEFORE_FLYWAY.keySet()) ? "2" : "1"
                : "0";
        LOG.info("ccsync.db.url holds {} of ccsync's tables from before Flyway: kept as they are, baselined at version "
                + "{}", mine.size(), version);
        return version;
    }

    /** Each of these tables that is there has at least the columns ccsync made it with; else nothing is touched. */
    private static void requireLayout(Map<String, Map<String, Column>> tables, Map<String, List<String>> layout) {
        for (Map.Entry<String, List<String>> expected : layout.entrySet()) {
            Map<String, Column> found = tables.get(expected.getKey());
            if (found == null) {
                continue;
            }
            List<String> missing = expected.getValue().stream().filter(col -> !found.containsKey(col)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("ccsync.db.url has a table " + expected.getKey() + " without column(s) "
                        + String.join(", ", missing) + ": it is not one ccsync made, and ccsync changes nothing in it. "
                        + "Point ccsync.db.url (CCSYNC_DB_URL) at a database or schema of ccsync's own.");
            }
        }
    }

    /** The migrations' folder for this database: H2 and PostgreSQL are the two ccsync supports. */
    private static String vendor(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return switch (product) {
            case "H2" -> "h2";
            case "PostgreSQL" -> "postgresql";
            default -> throw new IllegalStateException("ccsync.db.url names a " + product + " database; ccsync's "
                    + "schema is for H2 (jdbc:h2:…) or PostgreSQL (jdbc:postgresql:…)");
        };
    }

    /** A column's declared length (characters), null where it has none. */
    private record Column(Long length) {
    }

    /** The current schema's tables and their columns, names in lower case (H2 keeps them in upper case). */
    private static Map<String, Map<String, Column>> tables(Connection c) throws SQLException {
        Map<String, Map<String, Column>> tables = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT table_name, column_name, character_maximum_length FROM information_schema.columns
                WHERE table_schema = CURRENT_SCHEMA""")) {
            while (rs.next()) {
                Number length = (Number) rs.getObject(3);
                tables.computeIfAbsent(rs.getString(1).toLowerCase(Locale.ROOT), t -> new HashMap<>())
                        .put(rs.getString(2).toLowerCase(Locale.ROOT), new Column(length == null ? null
                                : length.longValue()));
            }
        }
        return tables;
    }
}
