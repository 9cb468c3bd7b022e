package io.ccsync.lifecycle;

/**
 * {@code ccsync.lifecycle.max-removals}: how many removals one CRM poll or one file may make before they are held for
 * approval; a count ({@code 100}) or a share of the contacts ccsync knows it delivered ({@code 5%}).
 */
public record RemovalLimit(long count, double percent) {

    /** @throws IllegalArgumentException naming the key and the two forms it takes */
    public static RemovalLimit parse(String key, String value) {
        String v = value == null ? "" : value.strip();
        try {
            if (v.endsWith("%")) {
                double p = Double.parseDouble(v.substring(0, v.length() - 1).strip());
                if (p >= 0 && p <= 100) {
                    return new RemovalLimit(-1, p);
                }
            } else {
                long n = Long.parseLong(v);
                if (n >= 0) {
                    return new RemovalLimit(n, -1);
                }
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new IllegalArgumentException(key + " = '" + value + "' is not a limit: use a number of removals "
                + "(100) or a share of the known contacts (5%)");
    }

    /** The most removals allowed without approval, given how many contacts ccsync delivered so far. */
    public long allowed(long knownContacts) {
        return count >= 0 ? count : (long) Math.floor(knownContacts * percent / 100.0);
    }

    @Override
    public String toString() {
        return count >= 0 ? Long.toString(count) : (percent % 1 == 0 ? Long.toString((long) percent) : percent) + "%";
    }
}
