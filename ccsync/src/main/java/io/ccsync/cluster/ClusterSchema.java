package io.ccsync.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Cluster mode's tables in ccsyncDb: db/cluster.sql (API budget, inbox locks) and Quartz's clustered job store, from
 * the DDL that ships inside the Quartz jar. Applied at start by every node, so it must be harmless when the tables are
 * there: Quartz's script drops its tables first, which is left out, every CREATE becomes CREATE … IF NOT EXISTS, and
 * a table or index already there is skipped. Nodes starting together take turns (an advisory lock), as concurrent
 * CREATE TABLE IF NOT EXISTS of one table can still collide in PostgreSQL. Each statement commits on its own: one
 * transaction holding locks on several tables could deadlock with the Quartz of nodes already running.
 */
final class ClusterSchema {
    /** Quartz's DDL for PostgreSQL, in the quartz jar. */
    static final String QUARTZ_DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    private static final long ADVISORY_LOCK = 0x63637379_6e63L; // "ccsync"
    private static final Pattern NAMED = Pattern.compile(
            "^CREATE\\s+(?:TABLE|INDEX)\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE = Pattern.compile("^\\s*CREATE\\s+(TABLE|INDEX)\\s+(?!IF\\s+NOT\\s+EXISTS)",
            Pattern.CASE_INSENSITIVE);

    private ClusterSchema() {
    }

    static void apply(DataSource db) {
        List<String> statements = new ArrayList<>(statements(read(ClusterSchema.class.getClassLoader(),
                "db/cluster.sql")));
        statements.addAll(statements(read(StdSchedulerFactory.class.getClassLoader(), QUARTZ_DDL)));
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + ADVISORY_LOCK + ")");
            try {
                for (String sql : statements) {
                    // A table or index that is there is left alone without a statement: even CREATE INDEX IF NOT
                    // EXISTS locks its table first, and would queue behind (and block) the running nodes' Quartz.
                    Matcher named = NAMED.matcher(sql);
                    if (!named.find() || !exists(c, named.group(1))) {
                        st.execute(sql);
                    }
                }
            } finally {
                st.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create cluster mode's tables in ccsync.db.url: " + e.getMessage(),
                    e);
        }
    }

    private static boolean exists(Connection c, String relation) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            st.setString(1, relation);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The script's statements, idempotent: no DROP, no COMMIT, CREATE … IF NOT EXISTS. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        String text = script.replaceAll("(?m)^\\s*--.*$", "");
        for (String sql : text.split(";\\s*(\\n|$)")) {
            String s = sql.strip();
            String upper = s.toUpperCase(java.util.Locale.ROOT);
            if (s.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                continue;
            }
            Matcher m = CREATE.matcher(s);
            out.add(m.find() ? m.replaceFirst("CREATE " + m.group(1).toUpperCase(java.util.Locale.ROOT)
                    + " IF NOT EXISTS ") : s);
        }
        return out;
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
