package io.ccsync.lifecycle;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What ccsync does when a source says a contact is gone ({@code ccsync.lifecycle.on-removed}). */
public enum RemovalPolicy {
    /** Nothing: the contact stays as it is in Constant Contact (the default, what ccsync always did). */
    IGNORE("ignore"),
    /** Off the mapping's lists ({@code POST /activities/remove_list_memberships}); the contact itself stays. */
    REMOVE_FROM_LISTS("remove-from-lists"),
    /** Deleted ({@code POST /activities/contact_delete}, a soft delete: a later import or PUT brings it back). */
    DELETE("delete");

    private final String setting;

    RemovalPolicy(String setting) {
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }

    /** @throws IllegalArgumentException naming the key and the allowed values */
    public static RemovalPolicy parse(String key, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (RemovalPolicy p : values()) {
            if (p.setting.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException(key + " = '" + value + "' is not a removal policy: use one of "
                + Arrays.stream(values()).map(RemovalPolicy::setting).collect(Collectors.joining(", ")));
    }
}
