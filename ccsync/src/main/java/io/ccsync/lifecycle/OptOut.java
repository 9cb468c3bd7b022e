package io.ccsync.lifecycle;

import java.time.Instant;
import java.util.Locale;

/**
 * One opt-out read back from Constant Contact: who (the email, lower-cased as ccsync keys contacts), when
 * ({@code opt_out_date}), by whom ({@code opt_out_source}: {@code Contact} the person, {@code Account} the account
 * owner) and why ({@code opt_out_reason}, often absent). Holds no secret.
 */
public record OptOut(String email, Instant optedOutAt, String source, String reason) {
    public OptOut {
        email = email.trim().toLowerCase(Locale.ROOT);
    }
}
