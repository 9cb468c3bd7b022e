package io.ccsync.sandbox;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * DNS rebinding guard: the sandbox listens on loopback only, but a web page on any site can point its own host name at
 * 127.0.0.1 and make the browser send requests to the sandbox (approve a consent, read the inspector, reset it). Such a
 * request carries the page's name in {@code Host} and {@code Origin}: only loopback names are accepted.
 */
final class HostCheck {
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1");

    private HostCheck() {
    }

    /** Null when the request may go on; otherwise the status (421 or 403) and why, as {@link Refusal}. */
    static Refusal refusal(String host, String origin) {
        if (host != null && !loopback(hostName(host))) {
            return new Refusal(421, "misdirected_request", "This sandbox answers only requests addressed to "
                    + "localhost, 127.0.0.1 or [::1], not to '" + host + "' (DNS rebinding protection)");
        }
        if (origin != null && !origin.isBlank()) {
            String originHost;
            try {
                originHost = URI.create(origin.trim()).getHost();
            } catch (IllegalArgumentException e) {
                originHost = null;
            }
            if (originHost == null || !loopback(originHost)) {
                return new Refusal(403, "forbidden_origin", "This sandbox does not answer pages from '" + origin
                        + "': only pages served by localhost, 127.0.0.1 or [::1] may call it");
            }
        }
        return null;
    }

    /** The name part of a Host header: {@code localhost:9999} → localhost, {@code [::1]:9999} → ::1. */
    static String hostName(String host) {
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static boolean loopback(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("[") && n.endsWith("]")) {
            n = n.substring(1, n.length() - 1);
        }
        return LOOPBACK_NAMES.contains(n);
    }

    record Refusal(int status, String key, String message) {
    }
}
