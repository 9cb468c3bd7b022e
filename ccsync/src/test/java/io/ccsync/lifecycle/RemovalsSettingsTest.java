package io.ccsync.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The removal settings: per-source policies, a count or a share as the limit, and errors that name the fix. */
class RemovalsSettingsTest {

    private static RemovalsSettings settings(Map<String, String> values) {
        return new RemovalsSettings((key, fallback) -> values.getOrDefault(key, fallback));
    }

    @Test
    void ignoreByDefaultAndASourceMayHaveItsOwnPolicy() {
        assertThat(settings(Map.of()).policy("crm")).isEqualTo(RemovalPolicy.IGNORE);
        RemovalsSettings s = settings(Map.of("ccsync.lifecycle.on-removed", "remove-from-lists",
                "ccsync.lifecycle.on-removed.inbox", "delete"));
        assertThat(s.policy("crm")).isEqualTo(RemovalPolicy.REMOVE_FROM_LISTS);
        assertThat(s.policy("inbox")).isEqualTo(RemovalPolicy.DELETE);
    }

    @Test
    void theLimitIsACountOrAShareOfTheKnownContacts() {
        assertThat(settings(Map.of()).limit().allowed(1_000_000)).isEqualTo(100);
        RemovalLimit share = settings(Map.of("ccsync.lifecycle.max-removals", "5%")).limit();
        assertThat(share.allowed(2_000)).isEqualTo(100);
        assertThat(share.allowed(0)).as("nothing known: every removal is held").isZero();
        assertThat(share).hasToString("5%");
    }

    @Test
    void aWrongValueStopsWithTheKeyAndWhatItTakes() {
        assertThatThrownBy(() -> settings(Map.of("ccsync.lifecycle.on-removed", "purge")))
                .hasMessage("ccsync.lifecycle.on-removed = 'purge' is not a removal policy: use one of ignore, "
                        + "remove-from-lists, delete");
        assertThatThrownBy(() -> settings(Map.of("ccsync.lifecycle.max-removals", "lots")))
                .hasMessageContaining("ccsync.lifecycle.max-removals = 'lots' is not a limit");
        assertThatThrownBy(() -> settings(Map.of("ccsync.lifecycle.max-removals", "120%")))
                .hasMessageContaining("a share of the known contacts (5%)");
    }
}
