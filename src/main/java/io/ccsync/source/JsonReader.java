package io.ccsync.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;

/**
 * A JSON array of objects (or objects one after another), read with Jackson's streaming parser: only one object is
 * in memory at a time. A syntax error ends the file there; the records before it stand. Whatever follows the end of
 * an array is read the same way (two exports written one after the other, {@code [ … ][ … ]}), never skipped.
 */
final class JsonReader implements RecordReader {
    private final String source;
    private final Rejections rejections;
    private final ObjectMapper mapper;
    private final JsonParser parser;
    private boolean inArray;

    JsonReader(String source, Reader in, ObjectMapper mapper, Rejections rejections) throws IOException {
        this.source = source;
        this.rejections = rejections;
        this.mapper = mapper;
        this.parser = mapper.getFactory().createParser(in);
    }

    @Override
    public SourceRecord next() throws IOException {
        try {
            while (true) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return null;
                }
                if (!inArray && token == JsonToken.START_ARRAY) { // a list at the top: its elements are the records
                    inArray = true;
                    continue;
                }
                if (inArray && token == JsonToken.END_ARRAY) { // and after it, maybe more
                    inArray = false;
                    continue;
                }
                long line = parser.currentTokenLocation().getLineNr();
                JsonNode node = mapper.readTree(parser);
                if (node.isObject()) {
                    return new SourceRecord(source, "line " + line, JsonFields.of(node));
                }
                rejections.reject(line, "expected an object {…} but found " + JsonFields.describe(node));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
            throw new UnreadableFileException(at.getLineNr(), "JSON syntax error at line " + at.getLineNr()
                    + ", column " + at.getColumnNr() + ": " + firstLine(e));
        }
    }

    /** "column 12: Unexpected character …" (a limit such as the nesting depth has no position: just the message). */
    static String problem(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return (at != null && at.getColumnNr() > 0 ? "column " + at.getColumnNr() + ": " : "") + firstLine(e);
    }

    private static String firstLine(JsonProcessingException e) {
        String message = e.getOriginalMessage() != null ? e.getOriginalMessage() : e.toString();
        return message.lines().findFirst().orElse("");
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
