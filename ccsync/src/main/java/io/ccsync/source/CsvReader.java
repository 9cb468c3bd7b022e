package io.ccsync.source;

import io.ccsync.contract.SourceRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV with a header row, as spreadsheets export it: quoted fields may hold delimiters, quotes ("") and line breaks;
 * lines end in LF or CRLF. A row whose field count differs from the header's is rejected, not guessed at.
 */
final class CsvReader implements RecordReader {
    /** Candidates for {@code delimiter = auto}, most likely first (a tie goes to the comma). */
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};

    private final String source;
    private final Rejections rejections;
    private final CSVParser parser;
    private final RecordLimit limit;
    private final Iterator<CSVRecord> rows;
    private final char delimiter;
    private final List<String> header;
    private long lastLine; // the line the last record read ended on

    CsvReader(String source, BufferedReader in, String delimiterSetting, Rejections rejections, int maxRecord)
            throws IOException {
        this.source = source;
        this.rejections = rejections;
        this.delimiter = delimiter(delimiterSetting, in);
        // commons-csv keeps a whole record in memory: a quote that never closes would hold the rest of the file
        this.limit = new RecordLimit(in, maxRecord);
        this.parser = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreEmptyLines(false).get()
                .parse(limit);
        this.rows = parser.iterator();
        this.header = readHeader();
    }

    char delimiter() {
        return delimiter;
    }

    /** True when the file had a header and nothing else. */
    boolean headerOnly() throws IOException {
        return header != null && !hasNext();
    }

    @Override
    public SourceRecord next() throws IOException {
        while (header != null && hasNext()) {
            CSVRecord row = read();
            if (emptyLine(row)) {
                continue;
            }
            long line = firstLine(row);
            if (row.size() != header.size()) {
                rejections.reject(line, "has " + row.size() + " fields but the header has " + header.size()
                        + " (a missing or extra '" + printable(delimiter) + "', or a quote that is not closed)");
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            boolean blank = true;
            for (int i = 0; i < header.size(); i++) {
                String value = row.get(i);
                blank &= value.isBlank();
                if (!header.get(i).isEmpty()) {
                    fields.put(header.get(i), value);
                }
            }
            if (!blank) { // spreadsheets export trailing rows of empty cells
                return new SourceRecord(source, "line " + line, fields);
            }
        }
        return null;
    }

    private List<String> readHeader() throws IOException {
        CSVRecord first = null;
        while ((first == null || emptyLine(first)) && hasNext()) {
            first = read();
        }
        if (first == null || emptyLine(first)) {
            return null;
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : first) {
            String n = name.strip();
            if (!n.isEmpty() && !seen.add(n.toLowerCase())) {
                throw new UnreadableFileException(1, "the header names the column '" + n + "' twice");
            }
            names.add(n);
        }
        return names;
    }

    /**
     * An empty line (the parser is told to keep them, so that its line count knows where the next record starts when
     * one breaks): skipped, like a row of empty cells.
     */
    private static boolean emptyLine(CSVRecord row) {
        return row.size() == 1 && row.get(0).isEmpty();
    }

    /** The parser counts lines up to the record's end; a record spans one line plus its quoted line breaks. */
    private long firstLine(CSVRecord row) {
        long breaks = 0;
        for (String value : row) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 == value.length() || value.charAt(i + 1) != '\n'))) {
                    breaks++;
                }
            }
        }
        return parser.getCurrentLineNumber() - breaks;
    }

    private boolean hasNext() throws IOException {
        try {
            return rows.hasNext();
        } catch (UncheckedIOException e) {
            throw broken(e);
        }
    }

    private CSVRecord read() throws IOException {
        try {
            CSVRecord row = rows.next();
            limit.nextRecord();
            lastLine = parser.getCurrentLineNumber();
            return row;
        } catch (UncheckedIOException e) {
            throw broken(e);
        }
    }

    private IOException broken(UncheckedIOException e) {
        if (e.getCause() instanceof UnreadableFileException) { // text in another encoding (DecodedText): as it says
            return e.getCause();
        }
        if (e.getCause() instanceof RecordLimit.TooLarge tooLarge) { // where it starts is all a person needs
            return new UnreadableFileException(lastLine + 1, "the record starting on this line is "
                    + tooLarge.getMessage() + ": most likely a quote that never closes; check its quotes. Reading "
                    + "stopped here");
        }
        // commons-csv gives up on a quote it cannot match; nothing after it can be trusted. It stops where it gave up
        // (at the end of the file, for a quote never closed): the person wants the line where that record starts
        return new UnreadableFileException(lastLine + 1, "the CSV is malformed in the record starting on this line ("
                + e.getCause().getMessage() + "); check its quotes");
    }

    private static char delimiter(String setting, BufferedReader in) throws IOException {
        String s = setting == null ? "auto" : setting.strip();
        if (s.equalsIgnoreCase("tab") || s.equals("\\t")) {
            return '\t';
        }
        if (!s.equalsIgnoreCase("auto") && !s.isEmpty()) {
            if (s.length() != 1) {
                throw new IllegalArgumentException("CSV delimiter '" + setting + "': use auto, tab or one character");
            }
            return s.charAt(0);
        }
        // the first 64K characters of the header line are plenty to count on; readLine() could read past the mark
        // (a reset() that fails with "Mark invalid"), or a whole file without line breaks into memory
        in.mark(1 << 16);
        StringBuilder first = new StringBuilder();
        int c = in.read();
        for (int skipped = 0; (c == '\n' || c == '\r') && skipped < 1 << 12; skipped++) { // empty lines first
            c = in.read();
        }
        for (; c >= 0 && c != '\n' && c != '\r' && first.length() < (1 << 16) - (1 << 12) - 1; c = in.read()) {
            first.append((char) c);
        }
        in.reset();
        return detect(first.toString());
    }

    /** The candidate found most often outside quotes in the header line. */
    static char detect(String headerLine) {
        int[] counts = new int[DELIMITERS.length];
        boolean quoted = false;
        for (char c : headerLine.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            for (int i = 0; i < DELIMITERS.length && !quoted; i++) {
                counts[i] += c == DELIMITERS[i] ? 1 : 0;
            }
        }
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            best = counts[i] > counts[best] ? i : best;
        }
        return DELIMITERS[best];
    }

    static String printable(char delimiter) {
        return delimiter == '\t' ? "tab" : String.valueOf(delimiter);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
