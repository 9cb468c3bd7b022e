package io.ccsync.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/** A real PostgreSQL server for a test class, and a fresh database in it for each test (the nodes' shared one). */
final class SharedPostgres implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final EmbeddedPostgres postgres;

    private SharedPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static SharedPostgres start() {
        try {
            return new SharedPostgres(EmbeddedPostgres.start());
        } catch (Exception | Error e) {
            Assumptions.abort("cannot start an embedded PostgreSQL here: " + e);
            throw new IllegalStateException(e);
        }
    }

    /** A new empty database; its JDBC URL (user postgres, no password). */
    String newDatabase() {
        String name = "cluster" + COUNTER.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    DataSource database(String url) {
        return postgres.getDatabase("postgres", url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", ""));
    }

    @Override
    public void close() throws Exception {
        postgres.close();
    }
}
