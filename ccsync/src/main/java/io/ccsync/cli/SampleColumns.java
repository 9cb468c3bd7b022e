package io.ccsync.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A sample contact file's column names, for {@code ccsync init}: a CSV's header row (delimiter , ; tab or |, the one
 * found most in it, as the inbox does), or the fields of a JSON array's or an NDJSON file's first object.
 */
final class SampleColumns {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleColumns() {
    }

    static List<String> of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".json")) {
                try (JsonParser p = JSON.getFactory().createParser(in)) {
                    if (p.nextToken() == JsonToken.START_ARRAY && p.nextToken() == JsonToken.START_OBJECT) {
                        return fields(JSON.readTree(p));
                    }
                    throw new IllegalStateException(file + " is not a JSON array of objects.");
                }
            }
            String first = in.readLine();
            if (first == null) {
                throw new IllegalStateException(file + " is empty: give a sample with a header row.");
            }
            first = first.replace("\uFEFF", "");
            if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
                return fields(JSON.readTree(first));
            }
            char delimiter = delimiter(first);
            try (CSVParser csv = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).get()
                    .parse(new StringReader(first))) {
                Iterator<CSVRecord> rows = csv.iterator();
                List<String> columns = new ArrayList<>();
                rows.next().forEach(c -> {
                    if (!c.isBlank()) {
                        columns.add(c.strip());
                    }
                });
                return columns;
            }
        } catch (IOException e) {
            throw new IllegalStateException("the sample " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static List<String> fields(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static char delimiter(String header) {
        char best = ',';
        long most = -1;
        for (char c : new char[] {',', ';', '\t', '|'}) {
            long n = header.chars().filter(x -> x == c).count();
            if (n > most) {
                most = n;
                best = c;
            }
        }
        return best;
    }
}
