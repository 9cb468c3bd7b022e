package io.ccsync.lifecycle;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.setting;

import io.ccsync.auth.TokenStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * The beans of routes/optouts.camel.yaml and of delivery's opt-out guard: {@code optOuts} (the table),
 * {@code optOutPoll}, {@code optOutGuard}. Other beans they need ({@code ccsyncDb}, {@code crmDb},
 * {@code tokenStore}) are bound by configurations whose turn may come later, so they are looked up when used.
 */
@Configuration
public class LifecycleConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        OptOuts store = new OptOuts(() -> context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class));
        bindIfAbsent(context, "optOuts", store);
        bindIfAbsent(context, "optOutGuard", new OptOutGuard(store));
        String sql = setting(context, "ccsync.crm.optout-sql", "").trim();
        CrmOptOuts[] crm = new CrmOptOuts[1];
        java.util.function.Supplier<CrmOptOuts> crmOptOuts = () -> {
            synchronized (crm) {
                if (crm[0] == null && !sql.isEmpty()) {
                    crm[0] = new CrmOptOuts(context, context.getRegistry().lookupByNameAndType("crmDb",
                            DataSource.class), sql);
                }
                return crm[0];
            }
        };
        Clock clock = Clock.systemUTC();
        bindIfAbsent(context, "optOutPoll", new OptOutPoll(store,
                new OptOutFiles(Path.of(setting(context, "ccsync.optouts.dir"))), crmOptOuts,
                () -> context.getRegistry().lookupByNameAndType("tokenStore", TokenStore.class), clock,
                Integer.parseInt(setting(context, "ccsync.optouts.page-size").trim()), since(context)));
    }

    private static Instant since(CamelContext context) {
        String since = setting(context, "ccsync.optouts.since", "").trim();
        if (since.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("ccsync.optouts.since must be an ISO-8601 instant such as "
                    + "2024-01-31T00:00:00Z, or empty (from when ccsync was authorized), not '" + since + "'");
        }
    }
}
