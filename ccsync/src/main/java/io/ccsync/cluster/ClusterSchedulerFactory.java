package io.ccsync.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SchedulerFactory;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The Quartz scheduler of one ccsync in cluster mode (set on the quartz component by {@link ClusterConfiguration}):
 * Quartz's clustered JDBC job store in ccsyncDb, so a scheduled route (the token keep-alive, each CRM poll) fires on one
 * node at a time, and on another within about {@code clusterCheckinInterval + 7.5 s} when that node dies.
 *
 * <ul>
 *   <li>Scheduler name: the CamelContext's name ({@code camel.main.name}), the same on every node: it is how the
 *       nodes find each other in the Quartz tables.</li>
 *   <li>{@code instanceId=AUTO}: host name and start time, different on every node.</li>
 *   <li>Connections: ccsync's own pool (ccsyncDb), handed to Quartz as a connection provider under a name of this
 *       node's own; Quartz's shutdown leaves the pool to ccsync.</li>
 * </ul>
 */
final class ClusterSchedulerFactory implements SchedulerFactory {
    /** Quartz worker threads: the keep-alive and each CRM poll take one while they run. */
    static final int THREADS = 4;

    private final Cluster cluster;
    private final String name;
    private final Duration checkinInterval;
    private Scheduler scheduler;

    ClusterSchedulerFactory(Cluster cluster, String name, Duration checkinInterval) {
        this.cluster = cluster;
        this.name = name;
        this.checkinInterval = checkinInterval;
    }

    Properties properties(String dataSource) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.jmx.export", "false");
        // Quartz takes a trigger up to this long before it is due and holds it until then; a node that stops or dies
        // meanwhile keeps it from the others until it counts as dead (check-in interval + 7.5 s). 5 s (not 30) makes
        // that rare; each node looks for due triggers every 5 s when idle.
        p.setProperty("org.quartz.scheduler.idleWaitTime", "5000");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(THREADS));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass",
                "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkinInterval.toMillis()));
        // take the lock row before looking for due triggers, so two nodes never pick the same firing
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        return p;
    }

    @Override
    public Scheduler getScheduler() throws SchedulerException {
        // Quartz keeps one scheduler per name in a process-wide repository and hands it to whoever asks for that name.
        // Every node has the same name; in one JVM (tests run several nodes side by side) the second node would get
        // the first one's scheduler. So each node makes its own and takes it out of the repository at once.
        synchronized (ClusterSchedulerFactory.class) {
            if (scheduler != null && !scheduler.isShutdown()) {
                return scheduler;
            }
            String dataSource = "ccsyncDb-" + cluster.node();
            DBConnectionManager.getInstance().addConnectionProvider(dataSource, new PoolProvider(cluster));
            Scheduler created = new StdSchedulerFactory(properties(dataSource)).getScheduler();
            SchedulerRepository.getInstance().remove(created.getSchedulerName());
            scheduler = created;
            return created;
        }
    }

    @Override
    public Scheduler getScheduler(String schedName) throws SchedulerException {
        return name.equals(schedName) ? getScheduler() : null;
    }

    @Override
    public Collection<Scheduler> getAllSchedulers() throws SchedulerException {
        return scheduler == null ? List.of() : List.of(scheduler);
    }

    /** ccsyncDb for Quartz; the pool is ccsync's, so Quartz's shutdown does not close it. */
    private static final class PoolProvider implements ConnectionProvider {
        private final Cluster cluster;

        PoolProvider(Cluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return cluster.database().getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
