package io.ccsync.cluster;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.duration;
import static io.ccsync.Settings.setting;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.Component;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds {@code cluster} (see {@link Cluster}) and {@code inboxLocks}. Off: Quartz keeps its jobs in memory (RAM job
 * store, nothing in the database) and {@code inboxLocks} is an unused in-memory stand-in (the inbox's
 * {@code readLock=changed} does not read it). On: the quartz component gets the clustered JDBC job store
 * ({@link ClusterSchedulerFactory}) and {@code inboxLocks} is {@link SharedFileLocks}; the API budget is chosen by
 * DeliveryConfiguration from the same bean.
 */
@Configuration
public class ClusterConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Cluster cluster = Cluster.of(context);
        if (!cluster.enabled()) {
            bindIfAbsent(context, "inboxLocks", MemoryIdempotentRepository.memoryIdempotentRepository());
            return;
        }
        Cluster.requirePostgres(setting(context, "ccsync.db.url"));
        if ("file".equals(setting(context, "ccsync.token.store", "file").strip())) {
            LOG.warn("Cluster mode with ccsync.token.store=file: every node refreshes the tokens in its own file, so "
                    + "each node needs its own `ccsync authorize`. ccsync.token.store=jdbc shares one authorization.");
        }
        // Only a ccsync whose routes use Quartz joins the cluster's scheduler: `ccsync replay` (no scheduled routes)
        // creates no quartz component, and must not take scheduled work from the nodes while it runs.
        ClusterSchedulerFactory schedulers = new ClusterSchedulerFactory(cluster, context.getName(),
                duration(context, "ccsync.cluster.checkin-interval"));
        SchedulerFirstOnStop stop = new SchedulerFirstOnStop();
        context.getManagementStrategy().addEventNotifier(stop);
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onComponentAdd(String name, Component component) {
                if (component instanceof QuartzComponent quartz) {
                    quartz.setSchedulerFactory(schedulers);
                    stop.quartz = quartz;
                }
            }
        });
        SharedFileLocks locks = new SharedFileLocks(cluster, duration(context, "ccsync.cluster.file-lock-timeout"));
        bindIfAbsent(context, "inboxLocks", locks);
        context.addService(locks);
        LOG.info("Cluster mode: node {} of cluster '{}' on {}", cluster.node(), context.getName(),
                setting(context, "ccsync.db.url").replaceAll("\\?.*", ""));
    }

    /**
     * When this node begins to stop, its scheduler stops first (waiting for a poll that runs to end normally), before
     * the routes: a firing due meanwhile is left to the other nodes instead of landing here on a route already gone.
     */
    private static final class SchedulerFirstOnStop extends SimpleEventNotifierSupport {
        private volatile QuartzComponent quartz;

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.CamelContextStoppingEvent;
        }

        @Override
        public void notify(CamelEvent event) throws Exception {
            Scheduler scheduler = quartz == null ? null : quartz.getScheduler();
            if (scheduler != null && !scheduler.isShutdown()) {
                LOG.info("Stopping: scheduled work is the other nodes' from now on");
                scheduler.shutdown(true);
            }
        }
    }
}
