package io.ccsync.lifecycle;

import io.ccsync.delivery.Chunk;
import io.ccsync.delivery.Item;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The step of {@code direct:contacts} right after mapping: every record of a contact that opted out in Constant
 * Contact (remembered by the opt-out poll) is marked so ({@link Item#optedOutInConstantContact()}), whatever source
 * it came from: it never goes by the sign-up form, and a record that only repeats the opt-out costs no call. One
 * query per chunk while no opt-out was ever remembered, then one indexed query per 500 emails.
 */
public final class OptOutGuard {
    private final OptOuts store;

    public OptOutGuard(OptOuts store) {
        this.store = store;
    }

    public Chunk guard(Chunk chunk) throws SQLException {
        List<Item> pending = chunk.pending();
        if (pending.isEmpty() || !store.any()) {
            return chunk;
        }
        Set<String> optedOut = store.remembered(pending.stream().map(Item::email).toList());
        if (!optedOut.isEmpty()) {
            for (Item item : pending) {
                if (item.email() != null && optedOut.contains(item.email().trim().toLowerCase(java.util.Locale.ROOT))) {
                    item.optedOutInConstantContact();
                }
            }
        }
        return chunk;
    }
}
