package io.ccsync.sandbox;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/** The requests the sandbox answered, newest last, with secrets taken out of the query strings. */
final class RequestLog {
    /** Enough for a minute of 64 threads at full speed, so a test can still see its first token calls. */
    private static final int KEEP = 100_000;
    private static final Set<String> SECRET_PARAMS = Set.of("code", "refresh_token", "access_token",
            "client_secret", "code_verifier", "device_code", "user_code", "token", "id_token", "password");

    private final Deque<LoggedRequest> entries = new ArrayDeque<>();

    synchronized void add(String method, String path, String rawQuery, int status, String clientId, Instant at,
            boolean answerLost) {
        entries.addLast(new LoggedRequest(method, path + redact(rawQuery), status, clientId, at, answerLost));
        while (entries.size() > KEEP) {
            entries.pollFirst();
        }
    }

    synchronized List<LoggedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }

    /** "?a=1&code=xyz" becomes "?a=1&code=***"; the rest of the query stays readable. */
    static String redact(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("?");
        for (String pair : rawQuery.split("&")) {
            if (b.length() > 1) {
                b.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            b.append(SECRET_PARAMS.contains(name) && eq >= 0 ? name + "=***" : pair);
        }
        return b.toString();
    }
}
