package io.ccsync.cluster;

import static io.ccsync.Settings.setting;

import java.net.InetAddress;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;

/**
 * Cluster mode ({@code ccsync.cluster.enabled}): the one place that reads the setting. Every part that behaves
 * differently on several nodes (the Quartz job store, the inbox's read lock, the API budget) asks this bean, bound as
 * {@code cluster}. Routes ask it too: {@code readLock: "{{bean:cluster.inboxReadLock}}"}.
 *
 * <p>Off (the default): one ccsync, everything as it always was. On: several ccsync processes share ccsync's database
 * ({@code ccsync.db.url}, PostgreSQL) and the inbox folder; see docs/cluster.md.
 */
public final class Cluster {
    public static final String BEAN = "cluster";

    private final boolean enabled;
    private final String node;
    private final Supplier<DataSource> db;

    Cluster(boolean enabled, String node, Supplier<DataSource> db) {
        this.enabled = enabled;
        this.node = node;
        this.db = db;
    }

    /** This context's cluster bean, made from the settings (and bound) on first use. */
    public static Cluster of(CamelContext context) {
        synchronized (context) {
            Cluster cluster = context.getRegistry().lookupByNameAndType(BEAN, Cluster.class);
            if (cluster == null) {
                boolean enabled = Boolean.parseBoolean(setting(context, "ccsync.cluster.enabled", "false").strip());
                // ccsyncDb is bound by DatabaseConfiguration, whose turn may come after the first caller's
                cluster = new Cluster(enabled, nodeName(),
                        () -> context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class));
                context.getRegistry().bind(BEAN, cluster);
            }
            return cluster;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** This node among the others, in the lock and budget tables: host, process id and a random part. */
    public String node() {
        return node;
    }

    /** The file consumer's {@code readLock} for the inbox: a lock in the database in cluster mode. */
    public String inboxReadLock() {
        return enabled ? "idempotent-changed" : "changed";
    }

    /**
     * ccsyncDb, where cluster mode's tables (API budget, inbox locks, Quartz's job store) are part of the schema that
     * Flyway made when the pool was (db/migration/…/V2__cluster_tables.sql). Only in cluster mode.
     */
    public DataSource database() {
        if (!enabled) {
            throw new IllegalStateException("cluster tables are used in cluster mode only (ccsync.cluster.enabled)");
        }
        DataSource ds = db.get();
        if (ds == null) {
            throw new IllegalStateException("ccsyncDb is not bound yet");
        }
        return ds;
    }

    /** Cluster mode needs one database every node reaches; an embedded H2 file is not one. */
    static void requirePostgres(String url) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("ccsync.cluster.enabled=true needs ccsync.db.url to name a PostgreSQL "
                    + "database that every node shares (jdbc:postgresql://host:5432/ccsync), not " + url
                    + ". Set ccsync.db.url (CCSYNC_DB_URL), or ccsync.cluster.enabled=false for a single node.");
        }
    }

    private static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
