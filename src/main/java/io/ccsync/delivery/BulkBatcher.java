package io.ccsync.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
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
        byte[] close = ("]," + json(Map.of("list_ids", listIds)).substring(1)).getBytes(StandardCharsets.UTF_8);
        int envelope = OPEN.length + close.length;
        List<Item> items = new ArrayList<>();
        // the payload is built as the UTF-8 bytes that are sent: no second copy as a String, and its length is
        // exactly what the request limit measures
        ByteArrayOutputStream payload = newPayload();
        long bytes = envelope;
        for (Item item : group) {
            byte[] record = jsonBytes(item.contact().bulkRecord());
            long next = bytes + record.length + (items.isEmpty() ? 0 : 1);
            if (!items.isEmpty() && (items.size() >= maxRecords || next >= maxBytes)) {
                out.add(new BulkBatch(items, listIds, closed(payload, close)));
                items = new ArrayList<>();
                payload = newPayload();
                bytes = envelope;
                next = bytes + record.length;
            }
            if (next >= maxBytes) {
                item.deadLetter("the contact alone is " + record.length
                        + " bytes of import data, over the request limit");
                continue;
            }
            if (!items.isEmpty()) {
                payload.write(',');
            }
            payload.writeBytes(record);
            items.add(item);
            bytes = next;
        }
        if (!items.isEmpty()) {
            out.add(new BulkBatch(items, listIds, closed(payload, close)));
        }
    }

    private ByteArrayOutputStream newPayload() {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(Math.min(maxBytes, 256 * 1024));
        payload.writeBytes(OPEN);
        return payload;
    }

    private static byte[] closed(ByteArrayOutputStream payload, byte[] close) {
        payload.writeBytes(close);
        return payload.toByteArray();
    }

    private static byte[] jsonBytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
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
