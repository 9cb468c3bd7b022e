package io.ccsync.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child process for {@link CrashDuringRefreshTest}: refreshes as fast as the server allows, through the real token
 * route and the configured store (file or jdbc), until it is killed. Arguments are settings as key=value.
 *
 * <p>What it prints, for the test to read: {@code REFRESHED n} after each refresh whose pair is stored, {@code LOST …}
 * (exit 3) when re-authorization is needed, {@code FAILED …} (exit 4) on any other failure, and ccsync's own log
 * (stderr is merged), with {@link TokenAnswerJournal} and {@link TokenRefreshSteps} at DEBUG so that the line saying a
 * token answer was kept comes out right after the keep returns.
 */
public final class RefreshLoop {
    private RefreshLoop() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        for (Class<?> logs : new Class<?>[] {TokenRefreshSteps.class, TokenAnswerJournal.class}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logs))
                    .setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        TokenCache cache;
        try {
            cache = TokenRuntime.start(settings).tokenCache();
        } catch (RuntimeException e) {
            System.out.println("FAILED to start: " + e);
            System.exit(4);
            return;
        }
        for (int n = 1; ; n++) {
            try {
                cache.refreshNow();
                System.out.println("REFRESHED " + n);
            } catch (ReauthorizationRequiredException e) {
                System.out.println("LOST " + e.getMessage());
                System.exit(3);
            } catch (RuntimeException e) {
                System.out.println("FAILED " + e);
                System.exit(4);
            }
        }
    }
}
