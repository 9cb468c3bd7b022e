package io.ccsync.store;

import static io.ccsync.Settings.setting;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.service.ServiceSupport;
import org.h2.api.ErrorCode;

/**
 * ccsync's own database ({@code ccsync.db.*}): delta fingerprints, watermarks, the dead letter, the jdbc token store.
 * Bound as {@code ccsyncDb} (a HikariCP pool). Its schema is Flyway's (db/migration, see {@link SchemaMigration}),
 * brought up to date when the pool is made.
 */
@Configuration
public class DatabaseConfiguration implements CamelConfiguration {
    /**
     * H2's {@code AUTO_SERVER=TRUE} (the default URLs) lets a second ccsync process on this machine ({@code ccsync
     * check}, {@code ccsync token} while {@code ccsync run} runs) open the same file database through a TCP server
     * that the first process starts. H2 binds that server to every interface unless {@code h2.bindAddress} names one,
     * and it is read once, when H2's classes load: set it to loopback before any H2 class is touched. A value the
     * operator set with {@code -Dh2.bindAddress} is kept.
     */
    public static final String H2_BIND_ADDRESS = "h2.bindAddress";

    static {
        h2OnLoopback();
    }

    /** Keeps H2's AUTO_SERVER on 127.0.0.1 (see {@link #H2_BIND_ADDRESS}); idempotent, call it early. */
    public static void h2OnLoopback() {
        if (System.getProperty(H2_BIND_ADDRESS) == null) {
            System.setProperty(H2_BIND_ADDRESS, "127.0.0.1");
        }
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        ccsyncDb(context);
    }

    /**
     * The {@code ccsyncDb} pool, created with its schema by whichever configuration needs it first. camel-main runs
     * the scanned {@code @Configuration} classes in an order that is not ours to choose, and the jdbc token store
     * needs the database while {@code AuthConfiguration} runs (it finishes an interrupted refresh at start), so it
     * calls this instead of relying on this class having run. A pool a test bound itself is used as it is.
     */
    public static DataSource ccsyncDb(CamelContext context) throws Exception {
        synchronized (context) {
            DataSource bound = context.getRegistry().lookupByNameAndType("ccsyncDb", DataSource.class);
            if (bound != null) {
                return bound;
            }
            HikariDataSource db = pool("ccsync", setting(context, "ccsync.db.url"), setting(context, "ccsync.db.user"),
                    setting(context, "ccsync.db.password"));
            try {
                applySchema(db);
            } catch (SQLException | RuntimeException e) {
                db.close();
                throw e;
            }
            context.getRegistry().bind("ccsyncDb", db);
            context.addService(new ClosedWithTheContext(db)); // the registry does not close what it holds
            return db;
        }
    }

    /** Closes the pool when the context stops, after its routes (services stop after the routes, in reverse). */
    private static final class ClosedWithTheContext extends ServiceSupport {
        private final HikariDataSource pool;

        ClosedWithTheContext(HikariDataSource pool) {
            this.pool = pool;
        }

        @Override
        protected void doStop() {
            pool.close();
        }
    }

    /** A small pool; {@link #ccsyncDb} closes it with the application. */
    public static HikariDataSource pool(String name, String url, String user, String password) {
        DataDirectories.h2Folder(url).ifPresent(DataDirectories::ownerOnly); // before H2 makes it with the umask
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    /**
     * A read-only connection for a command that only looks ({@code ccsync check}), or null when the database does not
     * exist yet: H2 is told not to create it ({@code IFEXISTS=TRUE}), so looking leaves no database file behind.
     */
    public static Connection openExisting(String url, String user, String password) throws SQLException {
        boolean h2 = url.startsWith("jdbc:h2:");
        String existing = h2 && !url.toUpperCase(Locale.ROOT).contains("IFEXISTS=") ? url + ";IFEXISTS=TRUE" : url;
        Connection c;
        try {
            c = DriverManager.getConnection(existing, user, password);
        } catch (SQLException e) {
            if (h2 && e.getErrorCode() == ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1) {
                return null;
            }
            throw e;
        }
        c.setReadOnly(true); // enforced by PostgreSQL, a hint to H2: the code that looks must not write
        return c;
    }

    /**
     * Brings ccsyncDb's schema to the newest version with Flyway ({@link SchemaMigration}): on a new database every
     * migration, on one made before Flyway an adoption that keeps its rows, and nothing once it is up to date.
     */
    public static void applySchema(DataSource db) throws SQLException {
        SchemaMigration.migrate(db);
    }
}
