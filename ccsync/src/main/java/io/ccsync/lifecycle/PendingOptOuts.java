package io.ccsync.lifecycle;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * For {@code ccsync check}: the opt-outs read back from Constant Contact that the CRM statement
 * ({@code ccsync.crm.optout-sql}) has not applied yet, read on the command's one read-only connection.
 */
public final class PendingOptOuts {
    /** Listed by email up to this many; beyond, only counted. */
    static final int LISTED = 20;

    private PendingOptOuts() {
    }

    /** The lines to print, or none when the statement is not set or nothing was ever polled. */
    public static List<String> describe(Connection db, boolean crmStatementSet) throws SQLException {
        if (db == null || !crmStatementSet) {
            return List.of();
        }
        DataSource one = new SingleConnectionDataSource(db, true);
        List<OptOut> pending;
        try {
            pending = new OptOuts(() -> one).pendingForCrm(Integer.MAX_VALUE);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
                return List.of(); // no lifecycle_optout table: ccsync never ran the opt-out poll on this database
            }
            throw e;
        }
        if (pending.isEmpty()) {
            return List.of("Opt-outs from Constant Contact: none pending for the CRM (ccsync.crm.optout-sql).");
        }
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        lines.add("Opt-outs from Constant Contact pending for the CRM (ccsync.crm.optout-sql, applied at the next "
                + "opt-out poll): " + pending.size());
        pending.stream().limit(LISTED).forEach(o -> lines.add("  " + o.email() + "  opted out " + o.optedOutAt()));
        if (pending.size() > LISTED) {
            lines.add("  … and " + (pending.size() - LISTED) + " more");
        }
        return lines;
    }
}
