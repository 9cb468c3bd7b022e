package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ccsync.contact.Rejection.Rule;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContactPipelineTest {
    private final ContactPipeline pipeline = new ContactPipeline(ContactMapping.parse("""
            email: email
            first_name: first_name
            birthday: {column: birthday, format: dd/MM/yyyy}
            lists: {default: [Newsletter]}
            """, "test.yaml"));

    @Test
    void aGoodRecordGivesTheContactAndItsFingerprint() {
        MappedRecord r = pipeline.map(Map.of("email", "Ann@Example.com", "first_name", "Ann"));
        assertThat(r.ok()).isTrue();
        assertThat(r.contact().firstName()).isEqualTo("Ann");
        assertThat(r.fingerprint()).isEqualTo(ContactFingerprint.of(r.contact()));
        assertThat(r.rejections()).isEmpty();
    }

    @Test
    void aBadRecordGivesEveryReasonFromMappingAndValidation() {
        MappedRecord r = pipeline.map(Map.of("email", "not-an-email", "first_name", "A".repeat(51),
                "birthday", "1990-07-04"));
        assertThat(r.ok()).isFalse();
        assertThat(r.contact()).isNull();
        assertThat(r.rejections()).extracting(Rejection::field, Rejection::rule).containsExactly(
                tuple("birthday", Rule.UNPARSEABLE_DATE),
                tuple("email_address.address", Rule.FORMAT),
                tuple("first_name", Rule.MAX_LENGTH));
    }

    @Test
    void aRejectedRecordKeepsItsSourceForTheReport() {
        Map<String, String> record = Map.of("email", "");
        assertThat(pipeline.map(record).source()).isEqualTo(record);
    }

    @Test
    void aRecordWithoutEmailIsRejectedNotDropped() {
        assertThat(pipeline.map(Map.of("first_name", "Ann")).rejections())
                .extracting(Rejection::field, Rejection::rule)
                .containsExactly(tuple("email_address.address", Rule.REQUIRED));
    }
}
