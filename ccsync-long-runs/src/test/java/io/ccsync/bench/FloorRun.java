package io.ccsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ContactMapping;
import io.ccsync.contact.ContactPipeline;
import io.ccsync.contact.MappedRecord;
import io.ccsync.source.InboxFile;
import io.ccsync.contract.SourceRecord;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The floor for the end-to-end figure, run in a child JVM with the same heap: the same file read by the same reader
 * ({@link InboxFile}, commons-csv), mapped by the same {@link ContactPipeline} and written as the same bulk-import
 * JSON ({@code Contact.bulkRecord()}, Jackson), one record a line, to a file. No Camel, no HTTP, no database.
 * Prints {@code FLOOR rows=… ms=… cpu_ms=… bytes=… vmhwm_kb=…}.
 */
public final class FloorRun {
    private FloorRun() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path out = Path.of(args[1]);
        ObjectMapper json = new ObjectMapper();
        long start = System.nanoTime();
        long cpuAtStart = Child.cpuNanos();
        Map<String, Long> threadsAtStart = Child.cpuByThreadKind();
        ContactPipeline pipeline = new ContactPipeline(ContactMapping.load(Path.of("config/mapping.yaml")));
        long rows = 0;
        long rejected = 0;
        try (InboxFile in = InboxFile.open(file, StandardCharsets.UTF_8, "auto", 1000, json);
                OutputStream sink = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            while (in.hasNext()) {
                List<SourceRecord> chunk = in.next();
                for (SourceRecord record : chunk) {
                    MappedRecord mapped = pipeline.map(record.fields());
                    if (mapped.ok()) {
                        json.writeValue(new NonClosing(sink), mapped.contact().bulkRecord());
                        sink.write('\n');
                        rows++;
                    } else {
                        rejected++;
                    }
                }
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("FLOOR rows=" + rows + " rejected=" + rejected + " ms=" + ms + " cpu_ms="
                + (Child.cpuNanos() - cpuAtStart) / 1_000_000 + " cpu_by_thread_ms="
                + Child.since(threadsAtStart, Child.cpuByThreadKind()) + " bytes=" + Files.size(out)
                + " vmhwm_kb=" + Child.vmHwmKb());
        Files.deleteIfExists(out);
    }

    /** Jackson closes the stream it wrote to; the sink stays open. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
        }
    }
}
