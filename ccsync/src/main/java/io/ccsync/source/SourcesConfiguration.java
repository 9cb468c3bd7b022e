package io.ccsync.source;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.duration;
import static io.ccsync.Settings.setting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.store.DatabaseConfiguration;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * The beans of routes/inbox.camel.yaml and routes/crm.camel.yaml: {@code inboxFiles}, {@code deliveryReports},
 * {@code crmDb} (the CRM's HikariCP pool, with the demo table on a fresh H2), {@code crmRows}, {@code crmRowMapper} and
 * {@code sourceWatermarks} (in ccsyncDb).
 */
@Configuration
public class SourcesConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        int chunkSize = Integer.parseInt(setting(context, "ccsync.source.chunk-size"));
        Duration progress = duration(context, "ccsync.progress.interval");
        int maxRecord = Integer.parseInt(setting(context, "ccsync.inbox.max-record-size"));
        if (maxRecord < 1024) {
            throw new IllegalArgumentException("ccsync.inbox.max-record-size is " + maxRecord + " characters; a "
                    + "record needs at least 1024 (the default, " + RecordLimit.DEFAULT + ", suits most)");
        }
        bindIfAbsent(context, "inboxFiles", new InboxFiles(chunkSize, new ObjectMapper(), Clock.systemDefaultZone(),
                progress, maxRecord));
        bindIfAbsent(context, "deliveryReports", new DeliveryReports());
        RecentRows recent = new RecentRows();
        bindIfAbsent(context, "crmRows", new CrmRows(chunkSize, progress, recent));
        bindIfAbsent(context, "crmRowMapper", new CrmRowMapper());
        // ccsyncDb is bound by another @Configuration whose turn may come after this one
        bindIfAbsent(context, "sourceWatermarks", new Watermarks(
                () -> context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class),
                duration(context, "ccsync.crm.overlap"), recent));
        if (context.getRegistry().lookupByName("crmDb") == null) {
            context.getRegistry().bind("crmDb", crmDb(context));
        }
    }

    /** Connects at start when the poll is on; otherwise a pool that would connect only when used (never). */
    private static DataSource crmDb(CamelContext context) throws Exception {
        String url = setting(context, "ccsync.crm.url");
        String user = setting(context, "ccsync.crm.user");
        String password = setting(context, "ccsync.crm.password");
        if (!Boolean.parseBoolean(setting(context, "ccsync.crm.enabled"))) {
            HikariDataSource lazy = new HikariDataSource();
            lazy.setPoolName("crm");
            lazy.setJdbcUrl(url);
            lazy.setUsername(user);
            lazy.setPassword(password);
            return lazy;
        }
        HikariDataSource pool = DatabaseConfiguration.pool("crm", url, user, password);
        if (url.startsWith("jdbc:h2:") && Boolean.parseBoolean(setting(context, "ccsync.crm.demo"))) {
            DemoCrm.createIfAbsent(pool);
        }
        return pool;
    }
}
