package io.ccsync.lifecycle;

import java.util.function.BiFunction;

/**
 * The removal settings: {@code ccsync.lifecycle.on-removed} (per source: {@code ccsync.lifecycle.on-removed.NAME}, NAME
 * a CRM poll's name such as {@code crm}, or {@code inbox}), {@code ccsync.lifecycle.max-removals} and
 * {@code ccsync.crm.deleted-column}. Checked at start, so a wrong value stops ccsync with the key and what it takes.
 */
public final class RemovalsSettings {
    public static final String ON_REMOVED = "ccsync.lifecycle.on-removed";
    public static final String MAX_REMOVALS = "ccsync.lifecycle.max-removals";
    public static final String DELETED_COLUMN = "ccsync.crm.deleted-column";

    /** key, fallback → value. */
    private final BiFunction<String, String, String> setting;

    public RemovalsSettings(BiFunction<String, String, String> setting) {
        this.setting = setting;
        policy("crm");
        policy("inbox");
        limit();
    }

    /** The policy for the named source: its own key if set, else the common one (default ignore). */
    public RemovalPolicy policy(String source) {
        String common = setting.apply(ON_REMOVED, "ignore");
        String own = setting.apply(ON_REMOVED + "." + source, null);
        return own == null || own.isBlank() ? RemovalPolicy.parse(ON_REMOVED, common)
                : RemovalPolicy.parse(ON_REMOVED + "." + source, own);
    }

    public RemovalLimit limit() {
        return RemovalLimit.parse(MAX_REMOVALS, setting.apply(MAX_REMOVALS, "100"));
    }

    /** The CRM column that marks a row deleted, or "" (none: no CRM row is a removal). */
    public String deletedColumn() {
        String c = setting.apply(DELETED_COLUMN, "");
        return c == null ? "" : c.strip();
    }
}
