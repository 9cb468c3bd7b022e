package io.ccsync.auth;

import io.ccsync.cli.Ccsync;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child process for {@link TokenWindowBenchmarkTest} and {@link CrashRun}: after each refresh it prints when this
 * JVM had the token answer durable ({@code WINDOW durable_epoch_micros read_to_durable_micros bytes read_to_kill_safe_micros}), for the parent
 * to set against the sandbox's clock of when it sent that answer.
 * <ul>
 * <li>{@code WindowProbe cli ARGS…}: exactly {@code ccsync ARGS…} (e.g. {@code token refresh}, {@code run}) in this
 * fresh JVM, settings from the environment as for the real command, then the WINDOW line and ccsync's exit code;</li>
 * <li>{@code WindowProbe loop N key=value…}: a long-running process that refreshes N times through the token route
 * (the same path as {@code ccsync run}), one WINDOW line per refresh.</li>
 * </ul>
 * The journal's DEBUG line (the answer kept) is on, as in {@link RefreshLoop}, so a parent can count keeps.
 */
public final class WindowProbe {
    private WindowProbe() {
    }

    /**
     * When a "Kept the token endpoint's answer" line was logged (the line follows the keep at once): the clock of a
     * build without the HTTP-layer journal, where only that line marks the answer kept. Measures the baseline.
     */
    private static volatile Instant keptLogged;

    public static void main(String[] args) {
        for (Class<?> c : new Class<?>[] {TokenAnswerJournal.class, TokenRefreshSteps.class}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(c))
                    .setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        var clock = new ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                if (event.getMessage() != null && event.getMessage().startsWith("Kept the token endpoint's answer")) {
                    keptLogged = Instant.now();
                }
            }
        };
        clock.setContext(root.getLoggerContext());
        clock.start();
        root.addAppender(clock);
        if (args[0].equals("cli")) {
            String[] command = java.util.Arrays.copyOfRange(args, 1, args.length);
            int code = Ccsync.commandLine().execute(command);
            print(timing());
            System.out.flush();
            System.exit(code);
        }
        int count = Integer.parseInt(args[1]);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (TokenRuntime runtime = TokenRuntime.start(settings)) {
            TokenCache cache = runtime.tokenCache();
            for (int n = 1; n <= count; n++) {
                cache.refreshNow();
                print(timing());
            }
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e);
            System.exit(4);
        }
        System.exit(0);
    }

    private static TokenAnswerJournal.Timing timing() {
        TokenAnswerJournal.Timing t = TokenAnswerJournal.lastTiming();
        Instant logged = keptLogged;
        return t != null ? t : logged == null ? null : new TokenAnswerJournal.Timing(0, -1_000, -1_000, logged, 0);
    }

    private static void print(TokenAnswerJournal.Timing t) {
        if (t != null) {
            Instant at = t.durableAt();
            System.out.println("WINDOW " + (at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000) + " "
                    + t.windowMicros() + " " + t.bytes() + " " + t.killSafeMicros());
        }
    }
}
