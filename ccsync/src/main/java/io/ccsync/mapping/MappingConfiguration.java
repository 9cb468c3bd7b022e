package io.ccsync.mapping;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.duration;
import static io.ccsync.Settings.setting;

import io.ccsync.auth.TokenCache;
import io.ccsync.contact.LiveMapping;
import io.ccsync.delivery.ApiNames;
import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;

/**
 * The mapping gate ({@code mappingGate}, the route policy that pauses the sources while the mapping names something
 * the account lacks), its health check ({@code ccsync-mapping}) and, with {@code ccsync.mapping.create-missing=true},
 * what creates the missing names, and {@code gatedPolls}, which the sources ask before they take work. The mapping,
 * the API names and the token cache are other configurations' beans, looked up when first used.
 */
@Configuration
public class MappingConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        boolean createMissing = Boolean.parseBoolean(setting(context, "ccsync.mapping.create-missing").trim());
        MissingNames creator = createMissing ? new MissingNames(new LazyTemplate(context)) : null;
        java.util.function.Supplier<TokenCache> tokens =
                () -> context.getRegistry().lookupByNameAndType("tokenCache", TokenCache.class);
        MappingGate gate = new MappingGate(context,
                () -> context.getRegistry().lookupByNameAndType("liveMapping", LiveMapping.class),
                () -> context.getRegistry().lookupByNameAndType("apiNames", ApiNames.class),
                tokens,
                creator,
                Boolean.parseBoolean(setting(context, "ccsync.delivery.check-names-at-start").trim()),
                duration(context, "ccsync.mapping.recheck-interval"),
                Clock.systemUTC());
        bindIfAbsent(context, "mappingGate", gate);
        MappingGate bound = context.getRegistry().lookupByNameAndType("mappingGate", MappingGate.class);
        bindIfAbsent(context, "mappingHealthCheck", new MappingHealthCheck(() -> bound));
        bindIfAbsent(context, "gatedPolls",
                new GatedPolls(() -> bound.state() == MappingGate.State.OPEN && tokens.get().usable()));
    }

    /** A producer template created on first use, once the context runs. */
    private static final class LazyTemplate implements java.util.function.Supplier<ProducerTemplate> {
        private final CamelContext context;
        private volatile ProducerTemplate template;

        LazyTemplate(CamelContext context) {
            this.context = context;
        }

        @Override
        public synchronized ProducerTemplate get() {
            if (template == null) {
                template = context.createProducerTemplate();
            }
            return template;
        }
    }
}
