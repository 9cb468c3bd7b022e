package io.ccsync.lifecycle;

/**
 * {@code ccsync.crm.optout-sql} failed for a page of opt-outs: the page was rolled back, the watermark stays, and the
 * next poll applies the page again. The message carries the database's own words (the innermost cause), not Spring's
 * wrapper ("bad SQL grammar").
 */
public final class CrmOptOutException extends RuntimeException {
    CrmOptOutException(int count, Throwable cause) {
        super("ccsync.crm.optout-sql failed for a page of " + count + " opt-out(s), rolled back; the next poll tries "
                + "again (fix the statement or the CRM table): " + innermost(cause), cause);
    }

    private static String innermost(Throwable t) {
        Throwable last = t;
        while (last.getCause() != null && last.getCause() != last) {
            last = last.getCause();
        }
        return last.getMessage();
    }
}
