package io.ccsync.delivery;

import io.ccsync.contract.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A source record as one byte array (lengths and UTF-8), for records that wait in an import until it is confirmed:
 * about a third of the memory of the record and its maps, and read back only for a dead letter or a report line.
 */
final class PackedRecord {
    private PackedRecord() {
    }

    static byte[] write(SourceRecord record) {
        // sized exactly, then filled: a stream and its growing buffer cost more than the record (profiled, bench part 1)
        Map<String, String> fields = record.fields();
        byte[][] texts = new byte[2 + 2 * fields.size()][];
        int n = 0;
        texts[n++] = utf8(record.source());
        texts[n++] = utf8(record.position());
        for (Map.Entry<String, String> f : fields.entrySet()) {
            texts[n++] = utf8(f.getKey());
            texts[n++] = utf8(f.getValue());
        }
        int size = Integer.BYTES * (texts.length + 1);
        for (byte[] t : texts) {
            size += t.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size); // big-endian, as DataInputStream reads it
        for (int i = 0; i < texts.length; i++) {
            if (i == 2) {
                out.putInt(fields.size());
            }
            out.putInt(texts[i].length).put(texts[i]);
        }
        if (texts.length == 2) {
            out.putInt(0);
        }
        return out.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static SourceRecord read(byte[] packed) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(packed))) {
            String source = text(in);
            String position = text(in);
            int n = in.readInt();
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                fields.put(text(in), text(in));
            }
            return new SourceRecord(source, position, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // lengths as ints, not writeUTF: a field may be longer than its 64 KB
    private static String text(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
