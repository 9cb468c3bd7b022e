package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.contract.SourceRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A record waiting in an import comes back exactly as read, for its dead letter or report line. */
class PackedRecordTest {
    @Test
    void aRecordComesBackWithEveryFieldExactly() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("email", "zoë@example.com");
        fields.put("Company", "Müller, Söhne & Co. 株式会社");
        fields.put("empty", "");
        fields.put("long", "x".repeat(70_000)); // longer than writeUTF could carry
        SourceRecord record = new SourceRecord("contacts.csv", "line 42", fields);

        SourceRecord back = PackedRecord.read(PackedRecord.write(record));

        assertThat(back.source()).isEqualTo("contacts.csv");
        assertThat(back.position()).isEqualTo("line 42");
        assertThat(back.fields()).isEqualTo(fields);
    }

    @Test
    void aRecordWithoutFieldsComesBackEmpty() {
        SourceRecord back = PackedRecord.read(PackedRecord.write(new SourceRecord("crm", "id 7", Map.of())));

        assertThat(back.origin()).isEqualTo(new SourceRecord("crm", "id 7", Map.of()).origin());
        assertThat(back.fields()).isEmpty();
    }
}
