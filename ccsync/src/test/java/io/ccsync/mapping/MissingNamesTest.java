package io.ccsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.delivery.ApiNames;
import io.ccsync.delivery.UnknownNameException;
import io.ccsync.delivery.UnknownNameException.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** create-missing never asks for a custom field beyond the account's 100: it says why instead. */
class MissingNamesTest {
    @Test
    void customFieldsBeyondTheAccountsHundredAreNotRequestedAndTheReasonIsGiven() {
        Map<String, String> hundred = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            hundred.put("field_" + i, "id-" + i);
        }
        // no template: any API call would fail the test
        MissingNames creator = new MissingNames(() -> {
            throw new AssertionError("no API call may be made");
        });

        String refused = creator.create(new ApiNames.Account(hundred, Map.of("general interest", "l1")),
                List.of(new UnknownNameException.Missing(Kind.CUSTOM_FIELD, "favourite_colour",
                        "custom_fields.favourite_colour")));

        assertThat(refused).contains("100 of its 100 custom fields").contains("needs 1 more")
                .contains("delete unused ones");
    }
}
