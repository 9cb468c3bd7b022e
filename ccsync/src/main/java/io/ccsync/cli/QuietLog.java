package io.ccsync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The log of a command that only looks, set up in code: warnings and errors on standard error, one line each, as
 * config/logback.xml would print them. Parsing that XML costs logback about half a second of a one-second command,
 * to configure INFO loggers the command holds to warnings anyway. Found by logback as a service; it acts only when
 * {@link OneShot#quiet} asked for it before the first logger was made (a process of its own, not {@code --verbose}),
 * and otherwise leaves the configuration to logback's usual search ({@code -Dlogback.configurationFile}, logback.xml).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class QuietLog extends ContextAwareBase implements Configurator {
    /** The pattern of config/logback.xml. */
    static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{30} - %replace(%msg){'[\\r\\n]+', ' | '}%n";

    private static volatile boolean ownProcess;
    private static volatile boolean requested;

    /**
     * Set by {@code main}: the process is this one command's. Elsewhere (a test JVM running commands in turn) the log
     * set-up is the host's, and a command only holds levels down while it runs.
     */
    static void ownProcess() {
        ownProcess = true;
    }

    /** Asks for the quiet set-up; effective only in a process of its own, and if logback has not configured itself yet. */
    static void request() {
        requested = ownProcess;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!requested) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        FirstLineMakesTheConsole console = new FirstLineMakesTheConsole();
        console.setContext(context);
        console.setName("CONSOLE");
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Standard error in config/logback.xml's format, set up when the first warning comes: the pattern layout is about
     * a hundred classes (every converter it knows) that a command which warns of nothing never needs.
     */
    private static final class FirstLineMakesTheConsole extends AppenderBase<ILoggingEvent> {
        private ConsoleAppender<ILoggingEvent> console;

        @Override
        protected void append(ILoggingEvent event) { // AppenderBase calls this under its lock
            if (console == null) {
                PatternLayoutEncoder encoder = new PatternLayoutEncoder();
                encoder.setContext(getContext());
                encoder.setPattern(PATTERN);
                encoder.start();
                console = new ConsoleAppender<>();
                console.setContext(getContext());
                console.setName(getName());
                console.setTarget("System.err");
                console.setEncoder(encoder);
                console.start();
            }
            console.doAppend(event);
        }

        @Override
        public void stop() {
            if (console != null) {
                console.stop();
            }
            super.stop();
        }
    }
}
