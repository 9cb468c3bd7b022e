package io.ccsync.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.SourceRecord;
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
    private final BoundedJson bounded;
    private final int maxRecord;
    private boolean inArray;

    /** {@code mapper}'s parser limits bound a single value ({@link InboxFile}); {@code maxRecord} bounds an object. */
    JsonReader(String source, Reader in, ObjectMapper mapper, Rejections rejections, int maxRecord) throws IOException {
        this.source = source;
        this.rejections = rejections;
        this.mapper = mapper;
        this.parser = mapper.getFactory().createParser(in);
        this.bounded = new BoundedJson(parser, maxRecord);
        this.maxRecord = maxRecord;
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
                JsonNode node;
                JsonStreamContext outside = parser.getParsingContext().getParent();
                bounded.startRecord();
                try {
                    node = mapper.readTree(bounded);
                } catch (RecordLimit.TooLarge e) {
                    // read past the rest of it (Jackson skips string values it is not asked for without keeping
                    // them), and go on with the next record
                    while (token.isStructStart() && parser.getParsingContext() != outside && parser.nextToken() != null) {
                        parser.skipChildren();
                    }
                    rejections.reject(line, "the record is " + e.getMessage() + "; skipped");
                    continue;
                }
                if (node.isObject()) {
                    return new SourceRecord(source, "line " + line, JsonFields.of(node));
                }
                rejections.reject(line, "expected an object {…} but found " + JsonFields.describe(node));
            }
        } catch (StreamConstraintsException e) { // one value past the bound: the parser cannot find its end
            long line = parser.currentLocation().getLineNr();
            throw new UnreadableFileException(line, "a value is longer than " + RecordLimit.describe(maxRecord)
                    + ", the most a record may hold (ccsync.inbox.max-record-size): reading stopped here ("
                    + firstLine(e) + ")");
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
