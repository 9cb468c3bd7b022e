package io.ccsync.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.ccsync.contract.SourceRecord;
import java.io.BufferedReader;
import java.io.IOException;

/**
 * NDJSON (JSON Lines): one object per line, so a broken line is rejected alone and the rest is read. A line holding
 * more than one value ({@code {…} {…}}) is broken too: reading only its first object would drop the others unseen.
 */
final class NdjsonReader implements RecordReader {
    private final String source;
    private final BufferedReader in;
    private final BoundedLines lines;
    private final int maxRecord;
    private final ObjectReader mapper;
    private final JsonFactory factory;
    private final Rejections rejections;
    private long line;

    NdjsonReader(String source, BufferedReader in, ObjectMapper mapper, Rejections rejections, int maxRecord) {
        this.source = source;
        this.in = in;
        this.lines = new BoundedLines(in, maxRecord);
        this.maxRecord = maxRecord;
        this.mapper = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.factory = mapper.getFactory();
        this.rejections = rejections;
    }

    @Override
    public SourceRecord next() throws IOException {
        String text;
        while ((text = lines.next()) != null) {
            line++;
            if (text == BoundedLines.TOO_LONG) { // read past, never held: the lines after it are read
                rejections.reject(line, "the line is longer than " + RecordLimit.describe(maxRecord) + ", the most "
                        + "a record may hold (ccsync.inbox.max-record-size); skipped");
                continue;
            }
            if (text.isBlank()) {
                continue;
            }
            try (BoundedJson parser = new BoundedJson(factory.createParser(text), maxRecord)) {
                parser.nextToken();
                parser.startRecord();
                JsonNode node = mapper.readTree(parser);
                if (node.isObject()) {
                    return new SourceRecord(source, "line " + line, JsonFields.of(node));
                }
                rejections.reject(line, "expected an object {…} but found " + JsonFields.describe(node));
            } catch (JsonProcessingException e) {
                rejections.reject(line, "not valid JSON (" + JsonReader.problem(e) + ")");
            } catch (RecordLimit.TooLarge e) {
                rejections.reject(line, "the line is " + e.getMessage() + "; skipped");
            }
        }
        return null;
    }

    /** Lines read so far, for an error that stops reading. */
    long line() {
        return line;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
