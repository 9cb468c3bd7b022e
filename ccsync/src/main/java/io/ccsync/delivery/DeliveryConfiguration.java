package io.ccsync.delivery;


import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.setting;

import io.ccsync.cluster.Cluster;
import io.ccsync.contact.LiveMapping;
import java.time.Clock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;

/**
 * The beans of the delivery routes, built from {@code ccsync.delivery.*} and the mapping file (read here, so a
 * broken mapping stops ccsync at start): {@code apiBudget}, {@code apiRetry}, {@code apiNames},
 * {@code deliveryIntake}, {@code deltaStore}, {@code deliveryPlan}, {@code outboxes}, {@code bulkBatcher}, {@code importActivities},
 * {@code bulkTaggings},
 * {@code contactUpserts}, {@code deliveryFailures}, {@code deadLetters}, {@code apiRequest} (the one API route's
 * request) and the routes' {@link DeliveryPredicates}. A test may bind any of them first.
 */
@Configuration
public class DeliveryConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        DeliverySettings settings = DeliverySettings.from(key -> setting(context, key));
        bindIfAbsent(context, "clock", Clock.systemUTC());
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        // ccsyncDb is bound by another configuration, maybe after this one: look it up when first used.
        Supplier<DataSource> db = () -> context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class);
        // read at start (a broken file stops ccsync), and again by the mapping gate when the file is saved
        bindIfAbsent(context, "liveMapping", LiveMapping.load(settings.mapping()));
        LiveMapping mapping = context.getRegistry().lookupByNameAndType("liveMapping", LiveMapping.class);
        ApiNames names = new ApiNames(mapping, settings.mapping(), new LazyTemplate(context));
        BulkBatcher batcher = new BulkBatcher(settings.bulkMaxRecords(), settings.bulkMaxBytes());
        // The one place that chooses the budget: counted in this process, or for every node in ccsyncDb
        Cluster cluster = Cluster.of(context);
        ApiBudget budget = cluster.enabled()
                ? ApiBudget.shared(settings.perSecond(), settings.perDay(), clock, cluster::database, cluster.node())
                : new ApiBudget(settings.perSecond(), settings.perDay(), clock);
        bindIfAbsent(context, "deliverySettings", settings);
        bindIfAbsent(context, "apiBudget", budget);
        bindIfAbsent(context, "apiRetry", new ApiRetry(context.getRegistry().lookupByNameAndType("apiBudget",
                ApiBudget.class), Integer.parseInt(setting(context, "ccsync.delivery.retry.attempts").trim())));
        bindIfAbsent(context, "apiNames", names);
        bindIfAbsent(context, "deliveryIntake", new DeliveryIntake(mapping::pipeline,
                context.getRegistry().lookupByNameAndType("apiNames", ApiNames.class)));
        bindIfAbsent(context, "deltaStore", new DeltaStore(db, clock));
        bindIfAbsent(context, "bulkBatcher", batcher);
        bindIfAbsent(context, "deliveryPlan", new DeliveryPlan(settings, batcher));
        bindIfAbsent(context, "outboxes", new Outboxes(settings, batcher));
        bindIfAbsent(context, "importActivities", new ImportActivities(clock, settings.pollTimeout(), db,
                new ReadSchedule(clock, settings.expectedRate(), settings.pollInterval(), settings.maxPollInterval(),
                        settings.pollsPerDay())));
        bindIfAbsent(context, "bulkTaggings", new BulkTaggings(clock, settings.pollTimeout()));
        bindIfAbsent(context, "contactUpserts", new ContactUpserts());
        bindIfAbsent(context, "deliveryFailures", new DeliveryFailures());
        bindIfAbsent(context, "deadLetters", new DeadLetters(db, clock));
        // the one API route (routes/delivery-api.camel.yaml) and the questions the delivery routes ask
        bindIfAbsent(context, "apiRequest", new ApiRequest());
        DeliveryPredicates.all().forEach((name, predicate) -> bindIfAbsent(context, name, predicate));
    }

    /** A producer template created on first use, once the context runs. */
    private static final class LazyTemplate implements Supplier<ProducerTemplate> {
        private final CamelContext context;
        private volatile ProducerTemplate template;

        LazyTemplate(CamelContext context) {
            this.context = context;
        }

        @Override
        public ProducerTemplate get() {
            if (template == null) {
                synchronized (this) {
                    if (template == null) {
                        template = context.createProducerTemplate();
                    }
                }
            }
            return template;
        }
    }
}
