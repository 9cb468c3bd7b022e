package io.ccsync.auth.flow;

import java.time.Duration;

/** Durations as a person reads them: "5 minutes", "23 h 59 min", "expired 3 min ago". */
public final class Durations {
    private Durations() {
    }

    public static String words(Duration d) {
        long seconds = Math.abs(d.toSeconds());
        if (seconds < 120) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 30) / 60; // to the nearest minute: a 24 h token read a second later is still "24 hours"
        if (minutes < 120 && minutes % 60 != 0) {
            return minutes + " minutes";
        }
        long hours = minutes / 60;
        if (hours < 48) {
            return minutes % 60 == 0 ? hours + (hours == 1 ? " hour" : " hours") : hours + " h " + minutes % 60 + " min";
        }
        return hours / 24 + " days" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
    }

    /** "in 5 minutes" or "5 minutes ago". */
    public static String relative(Duration fromNow) {
        return fromNow.isNegative() ? words(fromNow) + " ago" : "in " + words(fromNow);
    }
}
