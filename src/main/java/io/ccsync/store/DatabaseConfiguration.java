package io.ccsync.store;

import static io.ccsync.Settings.setting;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

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
            widenDeadLetterRecord(c, st);
        }
    }

    /**
     * A database made when the dead letter's record column was VARCHAR(1000000): a record with a megabyte column the
     * mapping does not read could not be kept, and the insert's failure failed its whole chunk. Widened once to TEXT.
     */
    private static void widenDeadLetterRecord(Connection c, Statement st) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        boolean narrow = false;
        for (String table : List.of("DELIVERY_DEAD_LETTER", "delivery_dead_letter")) {
            try (ResultSet columns = meta.getColumns(c.getCatalog(), c.getSchema(), table, null)) {
                while (columns.next()) {
                    narrow |= columns.getString("COLUMN_NAME").equalsIgnoreCase("record")
                            && columns.getInt("DATA_TYPE") == Types.VARCHAR
                            && columns.getInt("COLUMN_SIZE") == 1_000_000;
                }
            }
        }
        if (narrow) {
            st.execute("ALTER TABLE delivery_dead_letter ALTER COLUMN record SET DATA TYPE TEXT");
        }
    }
}
