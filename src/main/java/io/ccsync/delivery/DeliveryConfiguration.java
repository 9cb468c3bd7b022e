package io.ccsync.delivery;

import io.ccsync.contact.ContactMapping;
import io.ccsync.contact.ContactPipeline;
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
 * {@code deliveryIntake}, {@code deltaStore}, {@code deliveryPlan}, {@code bulkBatcher}, {@code importActivities},
 * {@code contactUpserts}, {@code deliveryFailures}, {@code deadLetters}. A test may bind any of them first.
 */
@Configuration
public class DeliveryConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        DeliverySettings settings = DeliverySettings.from(key -> property(context, key));
        bind(context, "clock", Clock.systemUTC());
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        // ccsyncDb is bound by another configuration, maybe after this one: look it up when first used.
        Supplier<DataSource> db = () -> context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class);
        ContactMapping mapping = ContactMapping.load(settings.mapping());
        ApiNames names = new ApiNames(mapping, settings.mapping(), new LazyTemplate(context));
        BulkBatcher batcher = new BulkBatcher(settings.bulkMaxRecords(), settings.bulkMaxBytes());
        ApiBudget budget = new ApiBudget(settings.perSecond(), settings.perDay(), clock);
        bind(context, "deliverySettings", settings);
        bind(context, "apiBudget", budget);
        bind(context, "apiRetry", new ApiRetry(context.getRegistry().lookupByNameAndType("apiBudget",
                ApiBudget.class)));
        bind(context, "apiNames", names);
        bind(context, "deliveryIntake", new DeliveryIntake(new ContactPipeline(mapping),
                context.getRegistry().lookupByNameAndType("apiNames", ApiNames.class)));
        bind(context, "deltaStore", new DeltaStore(db, clock));
        bind(context, "bulkBatcher", batcher);
        bind(context, "deliveryPlan", new DeliveryPlan(settings, batcher));
        bind(context, "importActivities", new ImportActivities(clock, settings.pollTimeout()));
        bind(context, "contactUpserts", new ContactUpserts());
        bind(context, "deliveryFailures", new DeliveryFailures());
        bind(context, "deadLetters", new DeadLetters(db, clock));
    }

    private static void bind(CamelContext context, String name, Object bean) {
        if (context.getRegistry().lookupByName(name) == null) {
            context.getRegistry().bind(name, bean);
        }
    }

    private static String property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .orElseThrow(() -> new IllegalStateException("missing setting " + key
                        + " in config/application.properties"));
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
