package io.ccsync.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ccsync.crm.optout-sql is written with :email, :optedOutAt, :reason; camel-sql spells named parameters :#name. */
class CrmOptOutsTest {
    @Test
    void theThreeNamedParametersBecomeCamelSqlsAndNothingElseChanges() {
        assertThat(CrmOptOuts.camelSql("UPDATE c SET out = TRUE, at = :optedOutAt, why = :reason WHERE e = :email"))
                .isEqualTo("UPDATE c SET out = TRUE, at = :#optedOutAt, why = :#reason WHERE e = :#email");
        assertThat(CrmOptOuts.camelSql("UPDATE c SET at = :#optedOutAt::timestamp WHERE e = :#email"))
                .as("already camel-sql's spelling, and a PostgreSQL cast").isEqualTo(
                        "UPDATE c SET at = :#optedOutAt::timestamp WHERE e = :#email");
        assertThat(CrmOptOuts.camelSql("UPDATE c SET at = :optedOutAt::timestamp, n = :emails WHERE e = :email"))
                .isEqualTo("UPDATE c SET at = :#optedOutAt::timestamp, n = :emails WHERE e = :#email");
    }
}
