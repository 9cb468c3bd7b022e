package io.ccsync.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generates hostile input files for {@link HostileInputTest}, each with a model of what ccsync must make of it: the
 * records it holds by line (a CSV row, a JSON element, an NDJSON line), which of them must be read as records that
 * map cleanly, read and then rejected by the mapping's rules, or rejected by the reader; where reading must stop
 * (a quote never closed, a JSON syntax error, bytes not valid in the encoding); or that nothing can be read at all.
 * Random byte mutations ("chaos") on top leave the model standing only for the lines before the first one touched.
 */
final class HostileFiles {
    /** What must become of one record the file holds. */
    enum Expect {
        /** read as a record that maps and validates: delivered (or dead-lettered), never rejected */
        VALID,
        /** read as a record that the mapping's rules reject (bad email, a field too long) */
        INVALID,
        /** read as a record; valid or not is not modelled (control characters in a name) */
        RECORD,
        /** rejected by the reader itself, with its line (a ragged row, a broken NDJSON line, a non-object) */
        REJECTED
    }

    /** One record of the file: its first and last line, its raw email cell, and what must become of it. */
    record Slot(long firstLine, long lastLine, String email, Expect expect, String kind) {
    }

    /** A generated file and its model. */
    static final class Generated {
        String name;
        byte[] bytes;
        Charset charset = StandardCharsets.UTF_8;
        final List<Slot> slots = new ArrayList<>();
        /** A construct on this line must stop reading, the report naming this line (or, for JSON, a later one). */
        long fatalLine;
        String fatalKind;
        boolean fatalAtOrAfter;
        /** The first line random byte mutations touched (0: none); the model stands only for lines before it. */
        long chaosLine;
        /** Nothing can be read: error/, no record, no rejection. */
        boolean unreadable;
        final List<String> story = new ArrayList<>();

        /** Lines the model vouches for: before the first mutation. */
        long modelledBefore() {
            return chaosLine > 0 ? chaosLine : Long.MAX_VALUE;
        }

        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes, " + charset.name() + "): " + String.join("; ", story);
        }
    }

    private static final String[] NAME_PARTS = {"Ann", "Bob", "Zoë", "José", "Ørsted", "Łukasz", "Nguyễn", "李", "中文",
        "שלום", "Ἀθηνᾶ", "O'Brien", "Smith, Jr.", "\"Doc\"", "semi;colon", "pipe|bar", "tab\there", "  padded  ",
        "e\u0301", "😀", "𝔘𝔫𝔦", "Ünïcödé", "x"};
    private static final String[] LATIN_PARTS = {"Ann", "Bob", "Zoë", "José", "Ørsted", "Müller", "O'Brien",
        "Smith, Jr.", "\"Doc\"", "semi;colon", "pipe|bar", "  padded  ", "Ünïcödé", "façade", "x"};
    private static final String[] BAD_EMAILS = {"no-at-sign.example.com", "two@@example.com", "spa ce@example.com",
        "ünï@example.com", "a@b", "@example.com", "user@", "user@exa mple.com", "\"quoted\"@example.com",
        "x".repeat(75) + "@example.com"};
    private static final String[] OPTIONAL = {"first_name", "last_name", "company", "job_title", "city", "notes",
        "favourite_colour"};
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};

    private final Random random;
    private final String tag;

    HostileFiles(Random random, String tag) {
        this.random = random;
        this.tag = tag;
    }

    /** One file; {@code maxRecords} bounds its records, {@code mega} allows megabyte fields. */
    Generated next(int index, int maxRecords, boolean mega) {
        int kind = random.nextInt(100);
        Generated g;
        if (kind < 10) {
            g = special(index);
        } else if (kind < 55) {
            g = csv(index, maxRecords, mega);
        } else if (kind < 75) {
            g = json(index, maxRecords, mega);
        } else {
            g = ndjson(index, maxRecords, mega);
        }
        if (!g.unreadable && g.chaosLine == 0 && !g.charset.name().startsWith("UTF-16") && random.nextInt(4) == 0) {
            chaos(g);
        }
        if (!g.charset.name().startsWith("UTF-16") && hasNulInFirst8k(g.bytes)) {
            g.unreadable = true; // what ccsync takes for a binary file
            g.story.add("NUL in the first 8 KB: unreadable");
        }
        if (g.bytes.length == 0 && InboxFile.format(g.name) != null) {
            g.unreadable = true;
        }
        return g;
    }

    // ---------------------------------------------------------------- CSV

    private Generated csv(int index, int maxRecords, boolean mega) {
        Generated g = new Generated();
        Text out = new Text(g, charset(g, true));
        char delimiter = DELIMITERS[random.nextInt(DELIMITERS.length)];
        String[] ext = {".csv", ".txt", ".tsv", ".CSV"};
        g.name = "t" + index + "-rows" + ext[random.nextInt(ext.length)];
        String eol = random.nextBoolean() ? "\r\n" : "\n";
        List<String> columns = new ArrayList<>(List.of("email"));
        for (String c : OPTIONAL) {
            if (random.nextInt(3) > 0) {
                columns.add(c);
            }
        }
        Collections.shuffle(columns, random);
        if (columns.size() == 1) {
            delimiter = ','; // a header of one name shows no delimiter: ccsync takes the comma
        }
        g.story.add("CSV delimiter " + printable(delimiter) + " " + eol.replace("\r", "CR").replace("\n", "LF")
                + " columns " + columns);
        if (g.charset == StandardCharsets.UTF_8 && random.nextInt(3) == 0) {
            out.raw(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            g.story.add("BOM");
        }
        out.add(String.join(String.valueOf(delimiter), columns.stream().map(this::randomCase).toList()) + eol);
        int records = random.nextInt(maxRecords + 1);
        boolean quotes = true; // after a quote that never closes, none may follow (it would close it)
        for (int i = 0; i < records; i++) {
            boolean fatalAllowed = g.fatalLine == 0 && random.nextInt(200) < 3;
            String email = email(index, i);
            String[] cells = new String[columns.size()];
            Expect expect = Expect.VALID;
            String kind = "good";
            for (int c = 0; c < cells.length; c++) {
                cells[c] = columns.get(c).equals("email") ? email : value(columns.get(c), g.charset);
            }
            int roll = random.nextInt(100);
            long first = out.line();
            if (fatalAllowed && g.fatalLine == 0) {
                int f = random.nextInt(g.charset == StandardCharsets.UTF_8 ? 4 : 2);
                int at = random.nextInt(cells.length);
                String before = join(cells, 0, at, delimiter, quotes) + (at > 0 ? String.valueOf(delimiter) : "");
                switch (f) {
                    case 0 -> { // a quote never closed: everything after it is inside it
                        out.add(before + "\"Open " + cells[at].replace("\"", "") + eol);
                        quotes = false;
                        g.fatalKind = "quote never closed";
                    }
                    case 1 -> { // text after a closing quote
                        out.add(before + "\"Ann\"x" + delimiter + eol);
                        g.fatalKind = "text after a closing quote";
                    }
                    case 2 -> { // Latin-1 bytes in a UTF-8 file
                        out.add(before);
                        out.raw("J\u00e9r\u00f4me".getBytes(Charset.forName("windows-1252")));
                        out.add(eol);
                        g.fatalKind = "Latin-1 bytes";
                    }
                    default -> { // bytes valid in no encoding of UTF-8
                        out.add(before);
                        out.raw(invalidUtf8());
                        out.add(eol);
                        g.fatalKind = "invalid UTF-8";
                    }
                }
                g.fatalLine = first;
                g.story.add("line " + first + ": " + g.fatalKind);
                continue;
            }
            if (roll < 8) {
                cells[indexOf(columns, "email")] = BAD_EMAILS[random.nextInt(BAD_EMAILS.length)];
                expect = Expect.INVALID;
                kind = "bad email";
            } else if (roll < 13 && (columns.contains("first_name") || columns.contains("company"))) {
                String col = columns.contains("first_name") ? "first_name" : "company";
                cells[indexOf(columns, col)] = "L".repeat(51 + random.nextInt(200));
                expect = Expect.INVALID;
                kind = "too long " + col;
            } else if (roll < 21) {
                kind = "ragged";
                expect = Expect.REJECTED;
                String line;
                if (cells.length > 1 && random.nextBoolean()) {
                    int keep = 1 + random.nextInt(cells.length - 1);
                    String[] fewer = Arrays.copyOf(cells, keep);
                    if (fewer[0].isBlank()) {
                        fewer[0] = "x";
                    }
                    line = join(fewer, 0, keep, delimiter, quotes);
                } else {
                    line = join(cells, 0, cells.length, delimiter, quotes) + delimiter + "extra";
                }
                out.add(line + eol);
                g.slots.add(new Slot(first, out.line() - 1, null, expect, kind));
                continue;
            } else if (roll < 24) {
                out.add(random.nextBoolean() ? eol : " ".repeat(0) + eol); // an empty line: skipped, no record
                continue;
            } else if (roll < 27) {
                String[] blank = new String[cells.length];
                Arrays.fill(blank, random.nextBoolean() ? "" : " ");
                out.add(join(blank, 0, blank.length, delimiter, quotes) + eol); // cells all empty: skipped
                continue;
            } else if (roll < 30 && mega && columns.contains("notes")) {
                cells[indexOf(columns, "notes")] = mega(g.charset, quotes);
                kind = "megabyte notes";
            } else if (roll < 31 && mega && columns.contains("last_name")) {
                cells[indexOf(columns, "last_name")] = "M".repeat(1 << 20);
                expect = Expect.INVALID;
                kind = "megabyte last_name";
            } else if (roll < 35 && columns.contains("notes") && quotes) {
                cells[indexOf(columns, "notes")] = "line one" + eol + "line \"two\"" + delimiter + eol + "three";
                kind = "notes over three lines";
            } else if (roll < 40 && columns.contains("notes")) {
                cells[indexOf(columns, "notes")] = controls(quotes);
                kind = "control characters in notes";
            } else if (roll < 43 && columns.contains("first_name")) {
                cells[indexOf(columns, "first_name")] = "A\u0001B\u001f\u007f";
                expect = Expect.RECORD;
                kind = "control characters in first_name";
            } else if (roll < 45 && g.charset != Charset.forName("windows-1252")) {
                if (columns.get(0).equals("email")) {
                    expect = Expect.INVALID; // the BOM sticks to the email
                }
                cells[0] = "\uFEFF" + cells[0];
                kind = "BOM before the row";
            }
            boolean last = i == records - 1 && random.nextInt(4) == 0; // no line break after the last row
            out.add(join(cells, 0, cells.length, delimiter, quotes) + (last ? "" : eol));
            if (first >= g.fatalLine && g.fatalLine > 0) {
                kind = kind + " (after the stop)";
            }
            g.slots.add(new Slot(first, last ? out.line() : out.line() - 1, email(cells, columns), expect, kind));
        }
        g.bytes = out.bytes();
        return g;
    }

    private static String email(String[] cells, List<String> columns) {
        return cells[indexOf(columns, "email")];
    }

    private static int indexOf(List<String> columns, String name) {
        return columns.indexOf(name);
    }

    private String join(String[] cells, int from, int to, char delimiter, boolean quotes) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) {
                b.append(delimiter);
            }
            String v = quotes ? cells[i] : cells[i].replace('"', ' ').replace('\n', ' ').replace('\r', ' ')
                    .replace(delimiter, ' '); // after a quote that never closes: nothing that could close it
            boolean must = v.indexOf(delimiter) >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
                    || v.indexOf('\r') >= 0;
            if (quotes && (must || (!v.isEmpty() && random.nextInt(5) == 0))) {
                b.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                b.append(v);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- JSON

    private Generated json(int index, int maxRecords, boolean mega) {
        Generated g = new Generated();
        Text out = new Text(g, charset(g, true));
        g.name = "t" + index + "-list.json";
        boolean array = random.nextInt(5) > 0;
        boolean pretty = random.nextInt(3) == 0;
        boolean twoLists = array && random.nextInt(10) == 0;
        g.story.add((array ? "list" : "objects one after another") + (pretty ? ", pretty" : "")
                + (twoLists ? ", two lists" : ""));
        if (g.charset == StandardCharsets.UTF_8 && random.nextInt(4) == 0) {
            out.raw(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            g.story.add("BOM");
        }
        if (array) {
            out.add("[\n");
        }
        int records = random.nextInt(maxRecords + 1);
        boolean truncated = false;
        for (int i = 0; i < records && !truncated; i++) {
            String sep = array && i < records - 1 && !(twoLists && i == records / 2) ? "," : "";
            long first = out.line();
            String email = email(index, i);
            int roll = random.nextInt(100);
            if (g.fatalLine == 0 && random.nextInt(200) < 3) {
                int f = random.nextInt(g.charset == StandardCharsets.UTF_8 ? 5 : 3);
                String good = object(email, false, mega, g.charset, pretty);
                switch (f) {
                    case 0 -> {
                        String[] broken = {"{\"email\": \"" + email + "\" \"first_name\": \"A\"}",
                            "{\"email\": \"" + email + "\",}", "{email: \"" + email + "\"}",
                            "{'email': '" + email + "'}", "{\"email\": \"" + email + "\", @@@}",
                            "{\"email\": \"" + email + "\", \"first_name\": \"tab\there\"}",
                            "{\"email\": \"" + email + "\"]", "{\"email\": \"" + email + "\"} }"};
                        out.add(broken[random.nextInt(broken.length)] + sep + "\n");
                        g.fatalKind = "JSON syntax error";
                        g.fatalAtOrAfter = true;
                    }
                    case 1 -> {
                        int cut = 1 + random.nextInt(good.length() - 1);
                        out.add(good.substring(0, cut));
                        truncated = true;
                        g.fatalKind = "file cut inside an object";
                        g.fatalAtOrAfter = true;
                    }
                    case 2 -> {
                        int depth = 1001 + random.nextInt(2000);
                        out.add("{\"email\": \"" + email + "\", \"deep\": " + "[".repeat(depth) + "]".repeat(depth)
                                + "}" + sep + "\n");
                        g.fatalKind = "nesting " + depth + " deep";
                        g.fatalAtOrAfter = true;
                    }
                    case 3 -> {
                        out.add("{\"email\": \"" + email + "\", \"first_name\": \"");
                        out.raw("J\u00e9r\u00f4me".getBytes(Charset.forName("windows-1252")));
                        out.add("\"}" + sep + "\n");
                        g.fatalKind = "Latin-1 bytes";
                    }
                    default -> {
                        out.add("{\"email\": \"" + email + "\", \"first_name\": \"");
                        out.raw(invalidUtf8());
                        out.add("\"}" + sep + "\n");
                        g.fatalKind = "invalid UTF-8";
                    }
                }
                g.fatalLine = first;
                g.story.add("line " + first + ": " + g.fatalKind);
                continue;
            }
            Expect expect = Expect.VALID;
            String kind = "good";
            String text;
            if (roll < 11) {
                text = object(BAD_EMAILS[random.nextInt(BAD_EMAILS.length)], false, false, g.charset, pretty);
                expect = Expect.INVALID;
                kind = "bad email";
                email = null;
            } else if (roll < 19) {
                String[] scalars = {"42", "\"" + email + "\"", "null", "true", "-0.5e3", "\"\"", "[1, 2]",
                    "[{\"email\": \"" + email + "\"}]"};
                // a list inside the list is one element; at the top its elements are read one by one
                text = scalars[random.nextInt(array ? scalars.length : scalars.length - 2)];
                expect = Expect.REJECTED;
                kind = "not an object";
                email = null;
            } else if (roll < 23) {
                int depth = 20 + random.nextInt(880);
                text = "{\"email\": \"" + email + "\", \"deep\": " + "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth)
                        + "}";
                kind = "nested " + depth + " deep";
            } else if (roll < 27) {
                text = "{\"email\": \"" + email + "\", \"notes\": \"\\u0000\\u0001\\u001f\\n\\r\\t\\\"\\\\\", "
                        + "\"first_name\": 42, \"company\": true, \"job_title\": null, \"city\": -1.5e2}";
                kind = "escapes, numbers, booleans";
            } else if (roll < 31) {
                text = "{\"email\": \"" + email + "\", \"first_name\": \"" + "L".repeat(51 + random.nextInt(100))
                        + "\"}";
                expect = Expect.INVALID;
                kind = "too long first_name";
            } else {
                text = object(email, roll < 33 && mega, mega, g.charset, pretty);
                kind = roll < 33 && mega ? "megabyte notes" : "good";
            }
            out.add(text + sep + "\n");
            g.slots.add(new Slot(first, out.line() - 1, email, expect, kind));
            if (twoLists && i == records / 2) {
                out.add("]\n[\n");
            }
        }
        if (array && !truncated) {
            out.add("]" + (random.nextBoolean() ? "\n" : ""));
        }
        g.bytes = out.bytes();
        return g;
    }

    private String object(String email, boolean megaNotes, boolean mega, Charset charset, boolean pretty) {
        StringBuilder b = new StringBuilder("{\"email\": " + quote(email));
        String nl = pretty ? "\n  " : " ";
        if (random.nextBoolean()) {
            b.append(",").append(nl).append("\"first_name\": ").append(quote(value("first_name", charset)));
        }
        if (random.nextBoolean()) {
            b.append(",").append(nl).append("\"address\": {\"city\": ").append(quote(value("city", charset)))
                    .append(", \"zip\": 12345}");
        }
        if (random.nextBoolean()) {
            b.append(",").append(nl).append("\"lists\": [\"News\", 3, true, null]");
        }
        if (megaNotes) {
            b.append(",").append(nl).append("\"notes\": ").append(quote(mega(charset, true)));
        }
        return b.append(pretty ? "\n}" : "}").toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // ---------------------------------------------------------------- NDJSON

    private Generated ndjson(int index, int maxRecords, boolean mega) {
        Generated g = new Generated();
        Text out = new Text(g, charset(g, true));
        g.name = "t" + index + "-lines" + (random.nextBoolean() ? ".ndjson" : ".jsonl");
        String eol = random.nextBoolean() ? "\r\n" : "\n";
        int records = random.nextInt(maxRecords + 1);
        for (int i = 0; i < records; i++) {
            long line = out.line();
            String email = email(index, i);
            int roll = random.nextInt(100);
            Expect expect = Expect.VALID;
            String kind = "good";
            String text;
            if (g.fatalLine == 0 && random.nextInt(100) < 1) {
                out.add("{\"email\": \"" + email + "\", \"first_name\": \"");
                if (g.charset == StandardCharsets.UTF_8) {
                    out.raw(random.nextBoolean() ? invalidUtf8()
                            : "J\u00e9r\u00f4me".getBytes(Charset.forName("windows-1252")));
                    g.fatalKind = "bytes not valid UTF-8";
                } else if (g.charset.name().startsWith("UTF-16")) {
                    out.raw(new byte[] {(byte) 0xD8, 0x00, 0x00, 0x41}); // a lone high surrogate (big-endian)
                    g.fatalKind = "a lone surrogate";
                } else {
                    out.add("x");
                    g.fatalKind = null;
                }
                out.add("\"}" + eol);
                if (g.fatalKind != null) {
                    g.fatalLine = line;
                    g.story.add("line " + line + ": " + g.fatalKind);
                    continue;
                }
                g.slots.add(new Slot(line, line, email, expect, kind));
                continue;
            }
            if (roll < 10) {
                text = object(BAD_EMAILS[random.nextInt(BAD_EMAILS.length)], false, false, g.charset, false);
                expect = Expect.INVALID;
                kind = "bad email";
                email = null;
            } else if (roll < 16) {
                String[] scalars = {"42", "\"" + email + "\"", "[1, 2]", "null", "true", "[{\"email\": \"" + email
                        + "\"}]"};
                text = scalars[random.nextInt(scalars.length)];
                expect = Expect.REJECTED;
                kind = "not an object";
                email = null;
            } else if (roll < 28) {
                String[] broken = {"{\"email\": \"" + email + "\" \"first_name\": \"A\"}",
                    "{\"email\": \"" + email + "\",}", "{email: \"" + email + "\"}", "{'email': '" + email + "'}",
                    "{\"email\": \"" + email + "\", @@@}", "{\"email\": \"" + email, "{\"email\": \"" + email
                        + "\"} {\"email\": \"" + email(index, i + 100_000) + "\"}",
                    "{\"email\": \"" + email + "\", \"first_name\": \"tab\there\"}",
                    "{\"email\": \"" + email + "\", \"deep\": " + "[".repeat(1001) + "]".repeat(1001) + "}",
                    "{\"email\": \"" + email + "\", \"n\": " + "9".repeat(1001) + "}",
                    "{\"email\": \"" + email + "\", \"nul\": \"a\u0000b\"}", "}", "]", "{\"email\": \"" + email
                        + "\"}}"};
                text = broken[random.nextInt(broken.length)];
                expect = Expect.REJECTED;
                kind = "broken JSON";
                email = null;
            } else if (roll < 32) {
                out.add((random.nextBoolean() ? "" : " \t ") + eol); // a blank line: skipped, no record
                continue;
            } else if (roll < 35) {
                int depth = 20 + random.nextInt(880);
                text = "{\"email\": \"" + email + "\", \"deep\": " + "[".repeat(depth) + "]".repeat(depth) + "}";
                kind = "nested " + depth + " deep";
            } else if (roll < 37 && mega) {
                text = object(email, true, true, g.charset, false);
                kind = "megabyte notes";
            } else {
                text = object(email, false, mega, g.charset, false);
            }
            out.add(text + (i == records - 1 && random.nextInt(4) == 0 ? "" : eol));
            g.slots.add(new Slot(line, line, email, expect, kind));
        }
        g.bytes = out.bytes();
        return g;
    }

    // ---------------------------------------------------------------- files nothing can be read from, or nearly

    private Generated special(int index) {
        Generated g = new Generated();
        int roll = random.nextInt(10);
        switch (roll) {
            case 0 -> {
                g.name = "t" + index + "-empty" + pick(".csv", ".json", ".ndjson");
                g.bytes = new byte[0];
                g.unreadable = true;
                g.story.add("empty");
            }
            case 1 -> {
                g.name = "t" + index + "-bom" + pick(".csv", ".json", ".ndjson");
                g.bytes = new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
                g.story.add("a BOM and nothing else");
            }
            case 2 -> {
                g.name = "t" + index + "-blank" + pick(".csv", ".json", ".ndjson");
                g.bytes = "\n\r\n   \n\t\n".getBytes(StandardCharsets.US_ASCII);
                g.story.add("blank lines only");
            }
            case 3, 4 -> {
                g.name = "t" + index + "-garbage" + pick(".csv", ".json", ".ndjson", ".txt");
                g.bytes = new byte[1 + random.nextInt(64 * 1024)];
                random.nextBytes(g.bytes);
                g.chaosLine = 1;
                g.story.add("random bytes");
            }
            case 5 -> {
                g.name = "t" + index + "-export.csv";
                byte[] zip = new byte[2000];
                random.nextBytes(zip);
                System.arraycopy(new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0}, 0, zip, 0, 8);
                g.bytes = zip;
                g.unreadable = true;
                g.story.add("a zip archive named .csv");
            }
            case 6 -> {
                g.name = "t" + index + "-contacts" + pick(".xlsx", ".pdf", ".xml", "", ".csv.gz");
                g.bytes = ("email\n" + email(index, 0) + "\n").getBytes(StandardCharsets.UTF_8);
                g.unreadable = true;
                g.story.add("a type ccsync does not read");
            }
            case 7 -> {
                g.name = "t" + index + "-utf16" + pick(".csv", ".ndjson");
                String text = g.name.endsWith(".csv") ? "email,first_name\n" + email(index, 0) + ",Zoë\n"
                        : "{\"email\": \"" + email(index, 0) + "\"}\n";
                byte[] body = text.getBytes(StandardCharsets.UTF_16LE);
                g.bytes = new byte[body.length + 2];
                g.bytes[0] = (byte) 0xFF;
                g.bytes[1] = (byte) 0xFE;
                System.arraycopy(body, 0, g.bytes, 2, body.length);
                g.unreadable = true; // read as UTF-8: NULs everywhere
                g.story.add("UTF-16LE with a BOM, read as UTF-8");
            }
            default -> {
                g.name = "t" + index + "-oneline" + pick(".csv", ".ndjson", ".json");
                StringBuilder b = new StringBuilder();
                int n = (1 << 20) + random.nextInt(3 << 20);
                while (b.length() < n) {
                    b.append((char) (' ' + random.nextInt(95)));
                }
                g.bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
                g.chaosLine = 1;
                g.story.add("one line of " + n + " printable characters, no line break");
            }
        }
        return g;
    }

    // ---------------------------------------------------------------- chaos

    /** One to three byte mutations at random places; the model then stands only for the lines before them. */
    private void chaos(Generated g) {
        byte[] b = g.bytes;
        int first = Integer.MAX_VALUE;
        int n = 1 + random.nextInt(3);
        for (int m = 0; m < n && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            first = Math.min(first, at);
            int what = random.nextInt(5);
            ByteArrayOutputStream x = new ByteArrayOutputStream();
            switch (what) {
                case 0 -> {
                    b = b.clone();
                    b[at] = (byte) random.nextInt(256);
                    g.story.add("chaos: byte " + at + " set to " + (b[at] & 0xff));
                }
                case 1 -> {
                    byte[] pool = {0, '"', ',', ';', '\t', '\n', '\r', '{', '}', '[', ']', (byte) 0xFF, (byte) 0xC3,
                        (byte) 0x80, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '\\', ':', 'x'};
                    byte[] insert = new byte[1 + random.nextInt(16)];
                    for (int i = 0; i < insert.length; i++) {
                        insert[i] = pool[random.nextInt(pool.length)];
                    }
                    x.write(b, 0, at);
                    x.writeBytes(insert);
                    x.write(b, at, b.length - at);
                    b = x.toByteArray();
                    g.story.add("chaos: " + insert.length + " bytes inserted at " + at);
                }
                case 2 -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(32));
                    x.write(b, 0, at);
                    x.write(b, at + len, b.length - at - len);
                    b = x.toByteArray();
                    g.story.add("chaos: " + len + " bytes deleted at " + at);
                }
                case 3 -> {
                    b = Arrays.copyOf(b, at);
                    g.story.add("chaos: cut at byte " + at);
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(200));
                    x.write(b, 0, at + len);
                    x.write(b, at, b.length - at);
                    b = x.toByteArray();
                    g.story.add("chaos: " + len + " bytes at " + at + " repeated");
                }
            }
        }
        if (first != Integer.MAX_VALUE) {
            g.chaosLine = lineAt(g.bytes, first);
            g.story.add("chaos from line " + g.chaosLine);
        }
        g.bytes = b;
    }

    /** The line (1-based) the byte at {@code offset} is on, in a single-byte-line-break encoding. */
    static long lineAt(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n'))) {
                line++;
            }
        }
        return line;
    }

    private static boolean hasNulInFirst8k(byte[] bytes) {
        for (int i = 0; i < Math.min(8192, bytes.length); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- values

    private Charset charset(Generated g, boolean allowOthers) {
        int roll = random.nextInt(20);
        g.charset = !allowOthers || roll < 16 ? StandardCharsets.UTF_8
                : roll < 18 ? Charset.forName("windows-1252") : StandardCharsets.UTF_16;
        return g.charset;
    }

    private String email(int index, int i) {
        String e = "h-" + tag + "-" + index + "-" + i + "@example.com";
        if (random.nextInt(10) == 0) {
            e = e.toUpperCase(Locale.ROOT);
        }
        if (random.nextInt(10) == 0) {
            e = "  " + e + " ";
        }
        return e;
    }

    private String value(String column, Charset charset) {
        String[] parts = charset == StandardCharsets.UTF_8 || charset.name().startsWith("UTF-16") ? NAME_PARTS
                : LATIN_PARTS;
        StringBuilder b = new StringBuilder();
        int words = 1 + random.nextInt(3);
        for (int i = 0; i < words; i++) {
            String next = (i > 0 ? " " : "") + parts[random.nextInt(parts.length)];
            if (b.length() + next.length() > 40) {
                break;
            }
            b.append(next);
        }
        if (column.equals("notes") && random.nextBoolean()) {
            b.append(" – ").append("free text ".repeat(1 + random.nextInt(30)));
        }
        return b.toString();
    }

    private String controls(boolean quotes) {
        StringBuilder b = new StringBuilder("ctl");
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
            char c = (char) (1 + random.nextInt(31));
            if ((c == '\n' || c == '\r') && !quotes) {
                c = 0x7f;
            }
            b.append(c);
        }
        if (random.nextInt(4) == 0) {
            b.append('\u0000');
        }
        return b.toString();
    }

    private String mega(Charset charset, boolean quotes) {
        int size = (1 << 20) + random.nextInt(2 << 20);
        StringBuilder b = new StringBuilder(size);
        String unit = charset == StandardCharsets.UTF_8 ? "mégaöctet 😀 " : "megaoctet ";
        while (b.length() < size) {
            b.append(unit);
        }
        if (quotes && random.nextBoolean()) {
            b.append("\n\"end\"");
        }
        return b.toString();
    }

    private byte[] invalidUtf8() {
        byte[][] bad = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82, 'x'},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFE}};
        return bad[random.nextInt(bad.length)];
    }

    private String randomCase(String column) {
        return switch (random.nextInt(4)) {
            case 0 -> column.toUpperCase(Locale.ROOT);
            case 1 -> " " + column + " ";
            default -> column;
        };
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private static String printable(char c) {
        return c == '\t' ? "tab" : String.valueOf(c);
    }

    /** Builds the file's bytes in its encoding, counting lines as the readers do. */
    private static final class Text {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Charset charset;
        private long line = 1;
        private boolean lastWasCr;

        Text(Generated g, Charset charset) {
            this.charset = charset;
            if (charset.name().startsWith("UTF-16")) {
                g.story.add("UTF-16 with a BOM");
            }
        }

        /** The line the next character goes on. */
        long line() {
            return line;
        }

        void add(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\n') {
                    if (!lastWasCr) {
                        line++;
                    }
                } else if (c == '\r') {
                    line++;
                }
                lastWasCr = c == '\r';
            }
            byte[] b = s.getBytes(charset);
            if (charset == StandardCharsets.UTF_16 && bytes.size() > 0 && b.length >= 2) {
                bytes.write(b, 2, b.length - 2); // one BOM at the start of the file, not before every piece
            } else {
                bytes.writeBytes(b);
            }
        }

        void raw(byte[] b) {
            bytes.writeBytes(b);
            lastWasCr = false;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    // ---------------------------------------------------------------- oversized records, beyond the heap

    /**
     * The oversized shapes of issue 14 (item 8), each about {@code bytes} long and written streaming (never held in
     * memory), with a good record before and, where reading can go on, after: one NDJSON line, a CSV quote never
     * closed near the start (the rest of the file inside it), one JSON object of many fields. The model: the emails
     * that must be delivered, and the report line that must say what happened to the oversized record.
     */
    enum Oversized {
        NDJSON_LINE("huge-line.ndjson", List.of("nd1@example.com", "nd3@example.com"), "done",
                "huge-line.ndjson line 2: the line is longer than"),
        CSV_UNCLOSED_QUOTE("unclosed-quote.csv", List.of("csv1@example.com"), "error",
                "outcome:  error: line 3: the record starting on this line is longer than"),
        JSON_OBJECT("huge-object.json", List.of("js1@example.com", "js3@example.com"), "done",
                "huge-object.json line 2: the record is made of more than 50,000 values");

        final String file;
        final List<String> delivered;
        final String folder;
        final String report;

        Oversized(String file, List<String> delivered, String folder, String report) {
            this.file = file;
            this.delivered = delivered;
            this.folder = folder;
            this.report = report;
        }

        void write(Path path, long bytes) throws IOException {
            try (Writer out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
                switch (this) {
                    case NDJSON_LINE -> {
                        out.write("{\"email\": \"nd1@example.com\"}\n{\"email\": \"huge@example.com\", \"notes\": \"");
                        repeat(out, "mégaöctet 😀 ", bytes);
                        out.write("\"}\n{\"email\": \"nd3@example.com\"}\n");
                    }
                    case CSV_UNCLOSED_QUOTE -> {
                        out.write("email,notes\r\ncsv1@example.com,fine\r\ncsv2@example.com,\"never closed\r\n");
                        for (long i = 0, written = 0; written < bytes; i++) {
                            String row = "person" + i + "@example.com,notes " + i + "\r\n"; // no quote: all of it is inside
                            out.write(row);
                            written += row.length();
                        }
                    }
                    case JSON_OBJECT -> {
                        out.write("[{\"email\": \"js1@example.com\"},\n{\"email\": \"huge@example.com\"");
                        for (long i = 0, written = 0; written < bytes; i++) {
                            String field = ", \"field" + i + "\": {\"value\": \"" + i + "\", \"list\": [1, 2]}";
                            out.write(field);
                            written += field.length();
                        }
                        out.write("},\n{\"email\": \"js3@example.com\"}]\n");
                    }
                    default -> throw new IllegalStateException(name());
                }
            }
        }

        private static void repeat(Writer out, String unit, long chars) throws IOException {
            String block = unit.repeat(8192 / unit.length());
            for (long written = 0; written < chars; written += block.length()) {
                out.write(block);
            }
        }
    }
}
