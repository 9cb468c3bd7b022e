package io.ccsync.cli;

import static io.ccsync.Settings.setting;

import io.ccsync.contact.ContactMapping;
import io.ccsync.lifecycle.RemovalLimit;
import io.ccsync.lifecycle.RemovalPolicy;
import io.ccsync.lifecycle.RemovalsFile;
import io.ccsync.lifecycle.RemovalsSettings;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.camel.CamelContext;

/**
 * {@code ccsync check} on a removals file ({@code ccsync.inbox.removals-pattern}): what dropping it would remove or
 * delete under the policy, and whether it would be held; no API call, nothing written.
 */
final class RemovalsCheck {
    private final String pattern;
    private final RemovalPolicy policy;
    private final RemovalLimit limit;
    private final ContactMapping mapping;
    private final Charset charset;
    private final String delimiter;
    private final Connection history;

    /** {@code history}: ccsync's database read-only, or null when nothing was delivered yet. */
    RemovalsCheck(CamelContext config, ContactMapping mapping, Charset charset, String delimiter, Connection history) {
        RemovalsSettings settings = new RemovalsSettings((key, fallback) -> setting(config, key, fallback));
        this.pattern = setting(config, "ccsync.inbox.removals-pattern", "");
        this.policy = settings.policy("inbox");
        this.limit = settings.limit();
        this.mapping = mapping;
        this.charset = charset;
        this.delimiter = delimiter;
        this.history = history;
    }

    /** What dropping a removals file would do. */
    record Result(RemovalsFile read, RemovalPolicy policy, boolean held) {
    }

    /** Empty when the file is not a removals file. */
    java.util.Optional<Result> inspect(Path file) throws SQLException {
        if (!RemovalsFile.matches(pattern, file.getFileName().toString())) {
            return java.util.Optional.empty();
        }
        RemovalsFile read = RemovalsFile.read(file, charset, delimiter, mapping);
        boolean held = read.failure() == null && policy != RemovalPolicy.IGNORE
                && read.emails().size() > limit.allowed(known());
        return java.util.Optional.of(new Result(read, policy, held));
    }

    /** Prints what the removals file would do; false (nothing printed) when the file is not a removals file. */
    boolean check(Path file, PrintWriter out) throws SQLException {
        java.util.Optional<Result> result = inspect(file);
        if (result.isEmpty()) {
            return false;
        }
        RemovalsFile read = result.get().read();
        read.problems().forEach(p -> out.println("  SKIP       " + p));
        if (read.failure() != null) {
            out.println("  UNREADABLE: " + read.failure() + ": dropped, it would go to error/ and remove nothing");
            return true;
        }
        String what = switch (policy) {
            case IGNORE -> "would change nothing (" + RemovalsSettings.ON_REMOVED + " = ignore)";
            case REMOVE_FROM_LISTS -> "would remove those in the account from the mapping's lists "
                    + "(remove_list_memberships)";
            case DELETE -> "would delete those in the account (contact_delete, a soft delete)";
        };
        out.println("  removals file (ccsync.inbox.removals-pattern " + pattern + "): " + read.emails().size()
                + " emails; " + what);
        if (result.get().held()) {
            out.println("  HELD: " + read.emails().size() + " is more than " + RemovalsSettings.MAX_REMOVALS + " = "
                    + limit + ": nothing would be removed until `ccsync removals approve`");
        }
        return true;
    }

    private long known() throws SQLException {
        if (history == null) {
            return 0;
        }
        try (Statement st = history.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM delivery_fingerprint")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
