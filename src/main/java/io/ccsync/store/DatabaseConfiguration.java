package io.ccsync.store;

import static io.ccsync.Settings.setting;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.h2.api.ErrorCode;

/**
 * ccsync's own database ({@code ccsync.db.*}): delta fingerprints, watermarks, the dead letter, the jdbc token store.
 * Bound as {@code ccsyncDb} (a HikariCP pool). The schema files below are applied at start; each is idempotent
 * ({@code CREATE TABLE IF NOT EXISTS}) and written in SQL that H2 and PostgreSQL both accept.
 */
@Configuration
public class DatabaseConfiguration implements CamelConfiguration {
    /** Schema files on the classpath, applied in this order; each concern owns its file. */
    static final List<String> SCHEMA = List.of("db/delivery.sql", "db/sources.sql");

    @Override
    public void configure(CamelContext context) throws Exception {
        if (context.getRegistry().lookupByName("ccsyncDb") != null) {
            return; // a test bound its own
        }
        DataSource db = pool("ccsync", setting(context, "ccsync.db.url"), setting(context, "ccsync.db.user"),
                setting(context, "ccsync.db.password"));
        applySchema(db);
        context.getRegistry().bind("ccsyncDb", db);
    }

    /** A small pool; closed with the application. */
    public static HikariDataSource pool(String name, String url, String user, String password) {
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

    /** Applies every schema file that exists; statements end with a semicolon at the end of a line. */
    public static void applySchema(DataSource db) throws SQLException, IOException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (String file : SCHEMA) {
                try (InputStream in = DatabaseConfiguration.class.getClassLoader().getResourceAsStream(file)) {
                    if (in == null) {
                        continue;
                    }
                    String script = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replaceAll("(?m)^\\s*--.*$", ""); // comment lines
                    for (String sql : script.split(";\\s*\\n")) {
                        if (!sql.isBlank()) {
                            st.execute(sql);
                        }
                    }
                }
            }
        }
    }
}
