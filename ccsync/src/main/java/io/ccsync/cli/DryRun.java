package io.ccsync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ContactFingerprint;
import io.ccsync.contact.ContactPipeline;
import io.ccsync.contact.MappedRecord;
import io.ccsync.contact.Rejection;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.delivery.DeltaStore;
import io.ccsync.delivery.DeltaStore.Delta;
import io.ccsync.source.InboxFile;
import io.ccsync.contract.SourceRecord;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code ccsync check}: reads a file as the inbox would (the same readers), maps and validates every record as
 * delivery would (the same pipeline) and compares each valid contact with the delivery history (the same delta
 * store), calling no API and writing nothing. Streams what it finds to a {@link Listener}, a chunk at a time, so a
 * file of any size is checked in bounded memory.
 */
public final class DryRun {

    /** What each record would become. */
    public interface Listener {
        /**
         * The record maps to a valid contact; {@code delta} says what delivery would do with it: send it (NEW: never
         * delivered by ccsync; CHANGED: delivered before with other values) or skip it (UNCHANGED); {@code tags}: the
         * tag names it would set (fixed and from the tag column), empty when none.
         */
        void valid(String position, String email, boolean optedOut, List<String> tags, Delta delta);

        /** The record would be rejected: {@code field} and {@code rule} are null for a line that could not be read. */
        void reject(String position, String field, String rule, String message);
    }

    /** One file's totals; {@code unreadable} says why reading stopped early (null when read to the end). */
    public record Summary(String file, String format, long records, long created, long updated, long unchanged,
            long rejected, String unreadable) {
        /** What would be sent: created plus updated. */
        public long send() {
            return created + updated;
        }
    }

    private static final int CHUNK = 1000;

    private final ContactPipeline pipeline;
    private final Charset charset;
    private final String delimiter;
    private final DeltaStore history;
    private final ObjectMapper json = new ObjectMapper();

    /** {@code history} null: nothing was ever delivered, so every valid contact is NEW. */
    public DryRun(ContactPipeline pipeline, Charset charset, String delimiter, DeltaStore history) {
        this.pipeline = pipeline;
        this.charset = charset;
        this.delimiter = delimiter;
        this.history = history;
    }

    public Summary check(Path file, Listener listener) throws SQLException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return new Summary(file.toString(), null, 0, 0, 0, 0, 0, "no readable file at " + file.toAbsolutePath());
        }
        Map<Delta, Long> valid = new EnumMap<>(Delta.class);
        long rejected = 0;
        try (InboxFile in = InboxFile.open(file, charset, delimiter, CHUNK, json)) {
            while (in.hasNext()) {
                List<SourceRecord> records = in.next();
                List<MappedRecord> mapped = records.stream().map(r -> pipeline.map(r.fields())).toList();
                Iterator<Delta> delta = compare(mapped.stream().filter(MappedRecord::ok)
                        .map(MappedRecord::fingerprint).toList()).iterator();
                for (int i = 0; i < records.size(); i++) {
                    String position = records.get(i).position();
                    MappedRecord m = mapped.get(i);
                    if (m.ok()) {
                        Delta d = delta.next();
                        valid.merge(d, 1L, Long::sum);
                        listener.valid(position, m.contact().email(), m.contact().optedOut(), m.contact().tagNames(), d);
                    } else {
                        rejected++;
                        for (Rejection r : m.rejections()) {
                            listener.reject(position, r.field(), r.rule().name(), r.message());
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
                    valid.getOrDefault(Delta.NEW, 0L), valid.getOrDefault(Delta.CHANGED, 0L),
                    valid.getOrDefault(Delta.UNCHANGED, 0L), rejected, in.failure());
        }
    }

    /** One look-up per chunk, read only. */
    private List<Delta> compare(List<ContactFingerprint> fingerprints) throws SQLException {
        return history == null ? Collections.nCopies(fingerprints.size(), Delta.NEW) : history.compare(fingerprints);
    }
}
