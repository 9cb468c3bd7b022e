package io.ccsync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.ccsync.CcsyncApplication;
import io.ccsync.Settings;
import io.ccsync.auth.AuthConfiguration;
import io.ccsync.auth.TokenStore;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.slf4j.LoggerFactory;

/**
 * What the commands that only look ({@code ccsync token}, {@code ccsync check}, {@code ccsync init}'s questions) need
 * to answer at once and quietly: the settings read by Camel's properties component alone, as camel-main reads them
 * ({@code {{env:...}}}, environment overrides) but with no CamelContext started, and the log held to warnings so the
 * command's own output is all a person sees ({@code --verbose} lets Camel's start-up log through again).
 */
final class OneShot {
    /**
     * Whether this JVM runs one quick command and ends (bin/ccsync token|check), rather than a test's calls in a shared
     * JVM or a command whose objects may have made a logger already.
     */
    private static volatile boolean logLater;

    private OneShot() {
    }

    /** Called by {@code main} for {@code token} and {@code check}, before anything logs. */
    static void logLater() {
        logLater = true;
    }

    /** Holds the log to warnings and errors until closed, unless {@code verbose}. */
    static AutoCloseable quiet(boolean verbose) {
        if (verbose) {
            return () -> { };
        }
        QuietLog.request(); // before the first logger: logback then skips config/logback.xml
        if (logLater) {
            // No logger exists yet: QuietLog sets the log up, warnings only, when the first one is made; asking
            // logback for its factory here would only start it earlier (and, for `--help`, for nothing).
            return () -> { };
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext)) {
            return () -> { };
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger camel = (Logger) LoggerFactory.getLogger("org.apache.camel");
        Level rootBefore = root.getLevel();
        Level camelBefore = camel.getLevel();
        root.setLevel(Level.WARN);
        camel.setLevel(Level.WARN);
        return () -> {
            root.setLevel(rootBefore);
            camel.setLevel(camelBefore);
        };
    }

    /**
     * The token store and clock as {@code ccsync run} makes them (the same {@link AuthConfiguration}, so the file and
     * jdbc stores, encryption and the finishing of an interrupted refresh are the same), on a context that is never
     * started. Close it to release a database pool.
     */
    static Tokens tokens(Map<String, String> overrides) throws Exception {
        CamelContext settings = CcsyncApplication.settings(overrides);
        try {
            new AuthConfiguration().configure(settings);
        } catch (RuntimeException | Error e) {
            Tokens.release(settings);
            throw e;
        }
        return new Tokens(settings);
    }

    /** The settings alone (no token store opened). */
    static Tokens settingsOnly(Map<String, String> overrides) {
        return new Tokens(CcsyncApplication.settings(overrides));
    }

    /** The store, clock and settings of {@link #tokens}. */
    static final class Tokens implements AutoCloseable {
        private final CamelContext context;

        private Tokens(CamelContext context) {
            this.context = context;
        }

        TokenStore store() {
            return context.getRegistry().lookupByNameAndType("tokenStore", TokenStore.class);
        }

        Clock clock() {
            return context.getRegistry().lookupByNameAndType("clock", Clock.class);
        }

        String setting(String key) {
            return Settings.setting(context, key);
        }

        /** The never-started context the beans are bound in. */
        CamelContext context() {
            return context;
        }

        @Override
        public void close() {
            release(context);
        }

        /** The jdbc store's pool is the one thing opened; a context never started has nothing else to stop. */
        private static void release(CamelContext context) {
            Object db = context.getRegistry().lookupByName("ccsyncDb");
            if (db instanceof AutoCloseable pool) {
                try {
                    pool.close();
                } catch (Exception e) {
                    // closing a pool that served one read: nothing left to lose
                }
            }
            context.stop(); // a context never started: only its services added along the way
        }
    }
}
