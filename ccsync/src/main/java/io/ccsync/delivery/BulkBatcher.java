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
        Packer packer = packer();
        List<BulkBatch> batches = new ArrayList<>();
        for (Item item : items) {
            batches.addAll(packer.add(item));
        }
        batches.addAll(packer.seal());
        return batches;
    }

    /** An empty packer: records added one at a time, across chunks, come out as full requests. */
    public Packer packer() {
        return new Packer();
    }

    /**
     * Fills one open request per list set with records as they come (a chunk at a time, for a whole file or poll) and
     * hands out a request once the next record would not fit; {@link #seal} hands out the partly filled ones.
     */
    public final class Packer {
        private final Map<List<String>, Open> open = new LinkedHashMap<>();

        /** Adds {@code item}; the requests that are full now (none, or the one it did not fit into). */
        public List<BulkBatch> add(Item item) {
            List<String> listIds = item.contact().listNames().stream().map(n -> item.ids().listId(n)).sorted()
                    .distinct().toList();
            Open request = open.computeIfAbsent(listIds, Open::new);
            byte[] record = jsonBytes(item.contact().bulkRecord());
            List<BulkBatch> full = List.of();
            if (!request.items.isEmpty() && (request.items.size() >= maxRecords
                    || request.bytes + 1 + record.length >= maxBytes)) {
                full = List.of(request.close());
            }
            if (request.bytes + record.length >= maxBytes) {
                item.deadLetter("the contact alone is " + record.length
                        + " bytes of import data, over the request limit");
                return full;
            }
            request.add(item, record);
            return full;
        }

        /** The partly filled requests, as they are; the packer is empty afterwards. */
        public List<BulkBatch> seal() {
            List<BulkBatch> out = new ArrayList<>();
            for (Open request : open.values()) {
                if (!request.items.isEmpty()) {
                    out.add(request.close());
                }
            }
            open.clear();
            return out;
        }

        /** Records waiting in partly filled requests. */
        public int waiting() {
            return open.values().stream().mapToInt(o -> o.items.size()).sum();
        }
    }

    /** One request being filled: the payload is built as the UTF-8 bytes sent, its length what the limit measures. */
    private final class Open {
        private final List<String> listIds;
        private final byte[] close;
        private List<Item> items = new ArrayList<>();
        private ByteArrayOutputStream payload;
        private long bytes;

        Open(List<String> listIds) {
            this.listIds = listIds;
            this.close = ("]," + json(Map.of("list_ids", listIds)).substring(1)).getBytes(StandardCharsets.UTF_8);
            reset();
        }

        private void reset() {
            items = new ArrayList<>();
            payload = new ByteArrayOutputStream(Math.min(maxBytes, 64 * 1024));
            payload.writeBytes(OPEN);
            bytes = OPEN.length + close.length;
        }

        void add(Item item, byte[] record) {
            if (!items.isEmpty()) {
                payload.write(',');
                bytes++;
            }
            payload.writeBytes(record);
            bytes += record.length;
            items.add(item);
        }

        BulkBatch close() {
            payload.writeBytes(close);
            BulkBatch batch = new BulkBatch(items, listIds, payload.toByteArray());
            reset();
            return batch;
        }
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
