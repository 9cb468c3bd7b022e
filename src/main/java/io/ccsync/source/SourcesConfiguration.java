package io.ccsync.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.store.DatabaseConfiguration;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * The beans of routes/inbox.camel.yaml and routes/crm.camel.yaml: {@code inboxFiles}, {@code deliveryReports},
 * {@code crmDb} (the CRM's HikariCP pool, with the demo table on a fresh H2), {@code crmRows} and
 * {@code sourceWatermarks} (in ccsyncDb).
 */
@Configuration
public class SourcesConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        int chunkSize = Integer.parseInt(property(context, "ccsync.source.chunk-size"));
        bind(context, "inboxFiles", new InboxFiles(chunkSize, new ObjectMapper(), Clock.systemDefaultZone()));
        bind(context, "deliveryReports", new DeliveryReports());
        bind(context, "crmRows", new CrmRows(chunkSize));
        // ccsyncDb is bound by another @Configuration whose turn may come after this one
        bind(context, "sourceWatermarks", new Watermarks(
                () -> context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class)));
        if (context.getRegistry().lookupByName("crmDb") == null) {
            context.getRegistry().bind("crmDb", crmDb(context));
        }
    }

    /** Connects at start when the poll is on; otherwise a pool that would connect only when used (never). */
    private static DataSource crmDb(CamelContext context) throws Exception {
        String url = property(context, "ccsync.crm.url");
        String user = property(context, "ccsync.crm.user");
        String password = property(context, "ccsync.crm.password");
        if (!Boolean.parseBoolean(property(context, "ccsync.crm.enabled"))) {
            HikariDataSource lazy = new HikariDataSource();
            lazy.setPoolName("crm");
            lazy.setJdbcUrl(url);
            lazy.setUsername(user);
            lazy.setPassword(password);
            return lazy;
        }
        HikariDataSource pool = DatabaseConfiguration.pool("crm", url, user, password);
        if (url.startsWith("jdbc:h2:") && Boolean.parseBoolean(property(context, "ccsync.crm.demo"))) {
            DemoCrm.createIfAbsent(pool);
        }
        return pool;
    }

    private static void bind(CamelContext context, String name, Object bean) {
        if (context.getRegistry().lookupByName(name) == null) { // a test may have bound its own
            context.getRegistry().bind(name, bean);
        }
    }

    private static String property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .orElseThrow(() -> new IllegalStateException("missing setting " + key
                        + " in config/application.properties"));
    }
}
