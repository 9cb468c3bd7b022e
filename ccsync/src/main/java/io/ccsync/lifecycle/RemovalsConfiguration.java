package io.ccsync.lifecycle;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.setting;

import io.ccsync.delivery.ApiNames;
import io.ccsync.contact.LiveMapping;
import io.ccsync.source.Watermarks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;

/**
 * The beans of removals and deletions (docs/lifecycle.md): {@code removalBatches}, {@code removals} (the sources'
 * steps), {@code removalsApply} and the readiness check {@code removalsHealthCheck}. Settings are checked here, so a
 * wrong policy or limit stops ccsync at start with the key and what it takes.
 */
@Configuration
public class RemovalsConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        RemovalsSettings settings = new RemovalsSettings((key, fallback) -> setting(context, key, fallback));
        bindIfAbsent(context, "clock", Clock.systemUTC());
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        // ccsyncDb and the mapping are bound by other configurations, maybe after this one: looked up when used
        Supplier<DataSource> db = () -> context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class);
        RemovalBatches batches = new RemovalBatches(db, clock);
        bindIfAbsent(context, "removalBatches", batches);
        bindIfAbsent(context, "removals", new RemovalsSteps(batches, settings,
                () -> context.getRegistry().lookupByNameAndType("liveMapping", LiveMapping.class).get(),
                () -> context.getRegistry().lookupByNameAndType("sourceWatermarks", Watermarks.class), clock));
        Supplier<ProducerTemplate> template = new Supplier<>() {
            private ProducerTemplate made;

            @Override
            public synchronized ProducerTemplate get() {
                if (made == null) {
                    made = context.createProducerTemplate();
                }
                return made;
            }
        };
        RemovalsApply.Lists lists = () -> context.getRegistry().lookupByNameAndType("apiNames", ApiNames.class)
                .ids(List.of()).listIds();
        Duration poll = Duration.ofMillis(Long.parseLong(setting(context, "ccsync.delivery.bulk.poll-interval",
                "2000").trim()));
        bindIfAbsent(context, "removalsApply", new RemovalsApply(batches, template, lists, poll, Duration.ofMinutes(10)));
        bindIfAbsent(context, "removalsHealthCheck", new RemovalsHealthCheck(batches, settings));
    }
}
