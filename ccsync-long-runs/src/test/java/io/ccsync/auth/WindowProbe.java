package io.ccsync.auth;

import io.ccsync.cli.Ccsync;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * <li>{@code WindowProbe floor N TOKEN_URL FILE}: the same measurement for a bare client, the floor of this machine;</li>
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
        if (args[0].equals("floor")) {
            floor(Integer.parseInt(args[1]), args[2], Path.of(args[3]));
            System.exit(0);
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

    /**
     * The floor of this machine: a bare client (a socket, a blocking read, a write and an fdatasync into a file opened
     * beforehand) asks the token endpoint {@code count} times with a refresh token it does not know, so the answer
     * is a small refusal and nothing rotates; one WINDOW line per answer, like ccsync's.
     */
    private static void floor(int count, String tokenUrl, Path file) {
        java.net.URI uri = java.net.URI.create(tokenUrl);
        byte[] form = "grant_type=refresh_token&refresh_token=floor-probe".getBytes(StandardCharsets.US_ASCII);
        byte[] request = ("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            for (int i = 0; i < count; i++) {
                try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
                    socket.setTcpNoDelay(true);
                    socket.getOutputStream().write(request);
                    socket.getOutputStream().write(form);
                    byte[] answer = socket.getInputStream().readAllBytes(); // to the server's close
                    long lastByte = System.nanoTime();
                    out.write(java.nio.ByteBuffer.wrap(answer), 0);
                    long safe = System.nanoTime();
                    out.force(false);
                    long durable = System.nanoTime();
                    print(new TokenAnswerJournal.Timing(lastByte, safe, durable, Instant.now(), answer.length));
                }
                Thread.sleep(20);
            }
        } catch (java.io.IOException e) {
            System.out.println("FAILED " + e);
            System.exit(4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
