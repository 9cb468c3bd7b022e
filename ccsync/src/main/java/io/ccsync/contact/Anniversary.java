package io.ccsync.contact;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The anniversary date forms Constant Contact accepts: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY and M-D-YYYY, each also
 * with one-digit month and day (YYYY-M-D, M/D/YYYY, …). ccsync sends YYYY-MM-DD.
 */
final class Anniversary {
    private static final List<Pattern> YEAR_FIRST = List.of(
            Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})"), Pattern.compile("(\\d{4})/(\\d{1,2})/(\\d{1,2})"));
    private static final List<Pattern> YEAR_LAST = List.of(
            Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})"), Pattern.compile("(\\d{1,2})-(\\d{1,2})-(\\d{4})"));

    static final String ACCEPTED = "YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY or MM-DD-YYYY (one-digit month and day allowed)";

    private Anniversary() {
    }

    /** The date, when the text is one of the accepted forms and a real calendar date. */
    static Optional<LocalDate> parse(String text) {
        for (Pattern p : YEAR_FIRST) {
            Matcher m = p.matcher(text);
            if (m.matches()) {
                return date(m.group(1), m.group(2), m.group(3));
            }
        }
        for (Pattern p : YEAR_LAST) {
            Matcher m = p.matcher(text);
            if (m.matches()) {
                return date(m.group(3), m.group(1), m.group(2));
            }
        }
        return Optional.empty();
    }

    private static Optional<LocalDate> date(String year, String month, String day) {
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
