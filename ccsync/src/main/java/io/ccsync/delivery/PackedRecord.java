package io.ccsync.delivery;

import io.ccsync.contract.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + record.fields().size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            text(out, record.source());
            text(out, record.position());
            out.writeInt(record.fields().size());
            for (Map.Entry<String, String> f : record.fields().entrySet()) {
                text(out, f.getKey());
                text(out, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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

    // not writeUTF: a field may be longer than its 64 KB
    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
