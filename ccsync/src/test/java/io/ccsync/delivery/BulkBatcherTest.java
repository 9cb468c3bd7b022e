package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.contact.ApiIds;
import io.ccsync.contact.Contact;
import io.ccsync.contact.ContactFingerprint;
import io.ccsync.contact.MappedRecord;
import io.ccsync.contract.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The split rules of contacts_json_import: at most 40,000 records and a payload under 4,000,000 bytes. */
class BulkBatcherTest {
    private static final ApiIds IDS = new ApiIds(Map.of("note", "cf-1"), Map.of("General Interest", "list-1",
            "VIP", "list-2"));

    static Item item(int n, String note, String... lists) {
        Contact.Builder b = Contact.builder("p" + n + "@example.com").firstName("F" + n).customField("note", note);
        for (String list : lists) {
            b.list(list);
        }
        Contact contact = b.build();
        Item item = new Item(new SourceRecord("t", "" + n, Map.of()),
                new MappedRecord(Map.of(), contact, ContactFingerprint.of(contact), List.of()), false);
        item.ids(IDS);
        return item;
    }

    private static List<Item> items(int count, int noteLength) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(item(i, "x".repeat(noteLength), "General Interest"));
        }
        return items;
    }

    private static int bytes(BulkBatch batch) {
        return batch.payload().length;
    }

    @Test
    void fortyThousandAndOneSmallRecordsMakeTwoRequests() {
        List<BulkBatch> batches = new BulkBatcher(40_000, 4_000_000).batches(items(40_001, 1));

        assertThat(batches).extracting(BulkBatch::size).containsExactly(40_000, 1);
    }

    @Test
    void largeRecordsAreCutBeforeFourMegabytesMeasuredOnThePayload() {
        List<BulkBatch> batches = new BulkBatcher(40_000, 4_000_000).batches(items(12_000, 400));

        assertThat(batches).hasSizeGreaterThan(1);
        assertThat(batches).allSatisfy(b -> assertThat(bytes(b)).isLessThan(4_000_000));
        int next = batches.get(1).items().get(0).contact().bulkRecordJsonSize();
        assertThat(bytes(batches.get(0)) + 1 + next).as("the next record would not have fitted")
                .isGreaterThanOrEqualTo(4_000_000);
        assertThat(batches.stream().mapToInt(BulkBatch::size).sum()).isEqualTo(12_000);
    }

    @Test
    void thePayloadIsExactlyWhatWasMeasured() throws Exception {
        BulkBatch batch = new BulkBatcher(40_000, 4_000_000).batches(items(3, 5)).get(0);

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(batch.payload());
        assertThat(json.path("import_data")).hasSize(3);
        assertThat(json.path("import_data").path(0).path("cf:note").asText()).isEqualTo("xxxxx");
        assertThat(json.path("list_ids").path(0).asText()).isEqualTo("list-1");
    }

    @Test
    void contactsJoiningDifferentListsGoInDifferentRequests() {
        List<Item> items = List.of(item(1, "a", "General Interest"), item(2, "b", "VIP"),
                item(3, "c", "General Interest"), item(4, "d", "VIP", "General Interest"));

        List<BulkBatch> batches = new BulkBatcher(40_000, 4_000_000).batches(items);

        assertThat(batches).extracting(BulkBatch::listIds).containsExactly(List.of("list-1"), List.of("list-2"),
                List.of("list-1", "list-2"));
        assertThat(batches.get(0).size()).isEqualTo(2);
    }

    @Test
    void aRecordExactlyAtTheLimitStartsANewRequest() {
        List<Item> items = items(2, 10);
        int one = new BulkBatcher(40_000, Integer.MAX_VALUE).batches(items.subList(0, 1)).get(0).payload().length;

        assertThat(new BulkBatcher(40_000, one + 1).batches(items)).hasSize(2);
        assertThat(new BulkBatcher(40_000, one).batches(items.subList(0, 1))).isEmpty();
        assertThat(items.get(0).outcome()).isEqualTo(Item.Outcome.DEAD_LETTERED);
    }
}
