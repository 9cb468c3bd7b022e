package io.ccsync.contract;

/**
 * A value from outside (a dropped file's field, its name, a CRM column) made safe for one log line or one report
 * line: line breaks, terminal escape sequences and every other control or bidirectional-override character are
 * written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}, so a value can neither start a forged log
 * line nor drive the terminal of whoever reads the log. Everything else is kept as it is.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code value} escaped; {@code "null"} for null, as string concatenation would write it. */
    public static String of(Object value) {
        String text = String.valueOf(value);
        int i = 0;
        while (i < text.length() && !escaped(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text; // the usual case: nothing to escape, no copy
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!escaped(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static boolean escaped(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0 (ESC among them), DEL, C1 (a one-byte CSI among them)
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) // bidi overrides and isolates
                || c == 0x2028 || c == 0x2029; // line and paragraph separators
    }
}
