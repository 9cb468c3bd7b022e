package io.ccsync.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child process for {@link CrashDuringRefreshTest}: refreshes as fast as the server allows, through the real token
 * route and file store, until it is killed. Arguments are settings as key=value.
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
        TokenRuntime runtime = TokenRuntime.start(settings);
        TokenCache cache = runtime.tokenCache();
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
