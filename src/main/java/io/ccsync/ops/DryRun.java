package io.ccsync.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ContactPipeline;
import io.ccsync.contact.MappedRecord;
import io.ccsync.contact.Rejection;
import io.ccsync.delivery.DeliveryReport;
import io.ccsync.source.InboxFile;
import io.ccsync.source.SourceRecord;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ccsync check}: reads a file as the inbox would (the same readers) and maps and validates every record as
 * delivery would (the same pipeline), calling no API and writing nothing. Streams what it finds to a {@link Listener},
 * so a file of any size is checked in bounded memory.
 */
public final class DryRun {

    /** What each record would become. */
    public interface Listener {
        /** The record would be sent to Constant Contact (created, or updated if the email exists there). */
        void send(String position, String email, boolean optedOut);

        /** The record would be rejected: {@code field} and {@code rule} are null for a line that could not be read. */
        void reject(String position, String field, String rule, String message);
    }

    /** One file's totals; {@code unreadable} says why reading stopped early (null when read to the end). */
    public record Summary(String file, String format, long records, long send, long rejected, String unreadable) {
    }

    private static final int CHUNK = 1000;

    private final ContactPipeline pipeline;
    private final Charset charset;
    private final String delimiter;
    private final ObjectMapper json = new ObjectMapper();

    public DryRun(ContactPipeline pipeline, Charset charset, String delimiter) {
        this.pipeline = pipeline;
        this.charset = charset;
        this.delimiter = delimiter;
    }

    public Summary check(Path file, Listener listener) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return new Summary(file.toString(), null, 0, 0, 0, "no readable file at " + file.toAbsolutePath());
        }
        long send = 0;
        long rejected = 0;
        try (InboxFile in = InboxFile.open(file, charset, delimiter, CHUNK, json)) {
            while (in.hasNext()) {
                for (SourceRecord record : in.next()) {
                    MappedRecord mapped = pipeline.map(record.fields());
                    if (mapped.ok()) {
                        send++;
                        listener.send(record.position(), mapped.contact().email(), mapped.contact().optedOut());
                    } else {
                        rejected++;
                        for (Rejection r : mapped.rejections()) {
                            listener.reject(record.position(), r.field(), r.rule().name(), r.message());
                        }
                    }
                }
            }
            for (DeliveryReport.Problem p : in.readProblems().rejected()) {
                rejected++;
                String origin = p.origin().startsWith(in.name() + " ") ? p.origin().substring(in.name().length() + 1)
                        : p.origin();
                listener.reject(origin, null, "UNREADABLE_LINE", p.reason());
            }
            return new Summary(file.toString(), in.description(), in.records() + in.readProblems().rejected().size(),
                    send, rejected, in.failure());
        }
    }
}
