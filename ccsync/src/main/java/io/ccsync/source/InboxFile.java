package io.ccsync.source;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.SourceRecord;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * One dropped file being read: its records in chunks for {@code direct:contacts}, and what reading it found — lines
 * rejected before delivery, and where reading broke if it did. Records before a break are delivered; the file then
 * goes to error/ instead of done/.
 */
public final class InboxFile implements Iterator<List<SourceRecord>>, Closeable {
    /** The formats, by file extension. */
    enum Format { CSV, JSON, NDJSON }

    private final String name;
    private final int chunkSize;
    private final DeliveryReport readProblems = new DeliveryReport();
    private String description;
    private RecordReader reader;
    private SourceRecord pending;
    private long records;
    private long lastLine;
    private String failure; // why reading stopped early, or null
    private String note; // a remark for the report ("header only"), or null
    private long size = -1;
    private volatile long bytesRead;

    private InboxFile(String name, int chunkSize) {
        this.name = name;
        this.chunkSize = chunkSize;
    }

    /** Opens {@code file}; never throws for a bad file: the problem is recorded and there are simply no records. */
    public static InboxFile open(Path file, Charset charset, String delimiter, int chunkSize, ObjectMapper json) {
        return open(file, charset, delimiter, chunkSize, json, RecordLimit.DEFAULT);
    }

    /** {@code maxRecord}: the most characters one record may hold ({@code ccsync.inbox.max-record-size}). */
    public static InboxFile open(Path file, Charset charset, String delimiter, int chunkSize, ObjectMapper json,
            int maxRecord) {
        InboxFile f = new InboxFile(file.getFileName().toString(), chunkSize);
        try {
            f.reader = f.reader(file, charset, delimiter, bounded(json, maxRecord), maxRecord);
            f.pending = f.read();
        } catch (IOException | RuntimeException e) {
            f.fail(e);
        }
        return f;
    }

    /** {@code json} with one value bounded too: a string past the bound is refused before it fills the heap. */
    private static ObjectMapper bounded(ObjectMapper json, int maxRecord) {
        ObjectMapper copy = json.copy();
        copy.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxRecord).build());
        return copy;
    }

    private RecordReader reader(Path file, Charset charset, String delimiter, ObjectMapper json, int maxRecord)
            throws IOException {
        // a link would make ccsync read (and echo into reports) any file it can read, wherever it is
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnreadableFileException(0, (Files.isSymbolicLink(file) ? "a symbolic link" : "not a regular file")
                    + ": ccsync reads only regular files dropped into the inbox, never what a link points at; copy or "
                    + "move the file itself into the inbox");
        }
        Format format = format(name);
        description = format + ", " + charset.name();
        if (format == null) {
            throw new UnreadableFileException(0, "ccsync reads .csv, .json and .ndjson (or .jsonl) files; save "
                    + "the contacts in one of these formats (in a spreadsheet: Save as CSV)");
        }
        size = Files.size(file);
        if (size == 0) {
            throw new UnreadableFileException(0, "the file is empty");
        }
        InputStream bytes = new BufferedInputStream(counting(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)), 1 << 16);
        try {
            if (looksBinary(bytes, charset)) {
                throw new UnreadableFileException(0, "this is not a text file (a spreadsheet or archive?); export "
                        + "the contacts as " + format + " text");
            }
            BufferedReader text = new BufferedReader(new DecodedText(bytes, charset), 1 << 16);
            skipByteOrderMark(text);
            RecordReader.Rejections rejections = (line, reason) ->
                    readProblems.reject(new DeliveryReport.Problem(name + " line " + line, null, null, reason));
            return switch (format) {
                case CSV -> {
                    CsvReader csv = new CsvReader(name, text, delimiter, rejections, maxRecord);
                    description = "CSV, " + charset.name() + ", delimiter '" + CsvReader.printable(csv.delimiter())
                            + "'";
                    if (csv.headerOnly()) {
                        note = "the file has a header and no records";
                    }
                    yield csv;
                }
                case JSON -> new JsonReader(name, text, json, rejections, maxRecord);
                case NDJSON -> new NdjsonReader(name, text, json, rejections, maxRecord);
            };
        } catch (IOException | RuntimeException e) { // no reader to close later: the file stays open otherwise
            bytes.close();
            throw e;
        }
    }

    static Format format(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv") || n.endsWith(".txt") || n.endsWith(".tsv")) {
            return Format.CSV;
        }
        if (n.endsWith(".json")) {
            return Format.JSON;
        }
        if (n.endsWith(".ndjson") || n.endsWith(".jsonl")) {
            return Format.NDJSON;
        }
        return null;
    }

    /** A NUL byte near the start: no text file in a single-byte or UTF-8 encoding has one. */
    private static boolean looksBinary(InputStream in, Charset charset) throws IOException {
        if (charset.name().startsWith("UTF-16") || charset.name().startsWith("UTF-32")) {
            return false;
        }
        in.mark(8192);
        byte[] head = in.readNBytes(8192);
        in.reset();
        for (byte b : head) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    private static void skipByteOrderMark(BufferedReader in) throws IOException {
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
    }

    @Override
    public boolean hasNext() {
        return pending != null;
    }

    /** Up to chunk-size records; reading stops quietly at the first error that ends the file. */
    @Override
    public List<SourceRecord> next() {
        if (pending == null) {
            throw new NoSuchElementException();
        }
        List<SourceRecord> chunk = new ArrayList<>(Math.min(chunkSize, 1024));
        while (pending != null && chunk.size() < chunkSize) {
            chunk.add(pending);
            pending = read();
        }
        return chunk;
    }

    private SourceRecord read() {
        if (failure != null || reader == null) {
            return null;
        }
        try {
            SourceRecord r = reader.next();
            if (r != null) {
                records++;
                lastLine = Long.parseLong(r.position().substring("line ".length()));
            }
            return r;
        } catch (IOException | RuntimeException e) {
            // any reader failure, even one ccsync did not foresee, ends this file in error/ with its report: thrown
            // on, it would fail the exchange, leave the file in the inbox and have it read again at every poll
            fail(e);
            return null;
        }
    }

    private void fail(Exception e) {
        if (e instanceof UnreadableFileException u) {
            failure = (u.line() > 0 ? "line " + u.line() + ": " : "") + u.getMessage();
        } else if (e instanceof RuntimeException && !(e instanceof UncheckedIOException)
                && !(e instanceof IllegalArgumentException)) {
            failure = (lastLine > 0 ? "after line " + lastLine + ": " : "") + "ccsync could not read on (" + e
                    + "); this is a bug in ccsync: please report it with the file";
        } else {
            failure = (lastLine > 0 ? "after line " + lastLine + ": " : "") + e.getMessage();
        }
        close();
    }

    /** Counts the bytes taken from the file (the readers buffer ahead: a little ahead of the records). */
    private InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesRead++;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    bytesRead += n;
                }
                return n;
            }
        };
    }

    public String name() {
        return name;
    }

    /** The format as read ("CSV, UTF-8, delimiter ','"), for the report. */
    public String description() {
        return description;
    }

    /** The file's size in bytes, or -1 when it could not be read. */
    public long size() {
        return size;
    }

    /** Bytes read from the file so far (a buffer's worth ahead of the records handed out). */
    public long bytesRead() {
        return bytesRead;
    }

    /** Records handed out so far. */
    public long records() {
        return records;
    }

    /** Lines rejected while reading, before any delivery. */
    public DeliveryReport readProblems() {
        return readProblems;
    }

    /** Why reading stopped before the end, or null if the whole file was read. */
    public String failure() {
        return failure;
    }

    public String note() {
        return note;
    }

    @Override
    public void close() {
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (IOException e) {
            // reading is over either way
        }
    }
}
