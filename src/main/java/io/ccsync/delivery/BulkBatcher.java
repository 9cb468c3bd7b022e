package io.ccsync.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts contacts into {@code contacts_json_import} requests: the contacts of one request join the same lists, there
 * are at most {@code maxRecords} of them, and the payload, measured on the exact bytes sent, stays under
 * {@code maxBytes}: Constant Contact silently drops whatever lies beyond 4 MB.
 */
public final class BulkBatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] OPEN = "{\"import_data\":[".getBytes(StandardCharsets.UTF_8);

    private final int maxRecords;
    private final int maxBytes;

    public BulkBatcher(int maxRecords, int maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** The requests for {@code items} (each with its ids set), in record order within each list set. */
    public List<BulkBatch> batches(List<Item> items) {
        Map<List<String>, List<Item>> byLists = new LinkedHashMap<>();
        for (Item item : items) {
            List<String> listIds = item.contact().listNames().stream().map(n -> item.ids().listId(n)).sorted()
                    .distinct().toList();
            byLists.computeIfAbsent(listIds, k -> new ArrayList<>()).add(item);
        }
        List<BulkBatch> batches = new ArrayList<>();
        byLists.forEach((listIds, group) -> cut(listIds, group, batches));
        return batches;
    }

    private void cut(List<String> listIds, List<Item> group, List<BulkBatch> out) {
        String close = "]," + json(Map.of("list_ids", listIds)).substring(1); // ],"list_ids":[…]}
        int envelope = OPEN.length + close.getBytes(StandardCharsets.UTF_8).length;
        List<Item> items = new ArrayList<>();
        StringBuilder records = new StringBuilder();
        long bytes = envelope;
        for (Item item : group) {
            String record = json(item.contact().bulkRecord());
            int size = record.getBytes(StandardCharsets.UTF_8).length;
            long next = bytes + size + (items.isEmpty() ? 0 : 1);
            if (!items.isEmpty() && (items.size() >= maxRecords || next >= maxBytes)) {
                out.add(new BulkBatch(items, listIds, "{\"import_data\":[" + records + close));
                items = new ArrayList<>();
                records.setLength(0);
                bytes = envelope;
                next = bytes + size;
            }
            if (next >= maxBytes) {
                item.deadLetter("the contact alone is " + size + " bytes of import data, over the request limit");
                continue;
            }
            if (!items.isEmpty()) {
                records.append(',');
            }
            records.append(record);
            items.add(item);
            bytes = next;
        }
        if (!items.isEmpty()) {
            out.add(new BulkBatch(items, listIds, "{\"import_data\":[" + records + close));
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
