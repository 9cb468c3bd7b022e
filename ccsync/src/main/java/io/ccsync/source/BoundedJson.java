package io.ccsync.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * A JSON parser as the tree reader sees it, bounded per record: past {@code max} characters from the record's start,
 * or past {@link #MAX_VALUES} values (a tree costs far more memory than its text: a 4 MB object of small fields would
 * fill a 64 MB heap), it throws {@link RecordLimit.TooLarge}, so a record too large is never built in memory.
 */
final class BoundedJson extends JsonParserDelegate {
    /** Values (field names, scalars, objects and lists) one record may hold: thousands more than any contact. */
    static final int MAX_VALUES = 50_000;

    private final int max;
    private long start;
    private int values;

    BoundedJson(JsonParser parser, int max) {
        super(parser);
        this.max = max;
    }

    /** The parser is on a record's first token: count from here. */
    void startRecord() {
        start = delegate.currentTokenLocation().getCharOffset();
        values = 0;
    }

    // every way the tree reader steps on: nextToken, and the shortcuts that would bypass it
    @Override
    public JsonToken nextToken() throws IOException {
        return checked(super.nextToken());
    }

    @Override
    public JsonToken nextValue() throws IOException {
        return checked(super.nextValue());
    }

    @Override
    public String nextFieldName() throws IOException {
        return checked(super.nextFieldName());
    }

    @Override
    public boolean nextFieldName(SerializableString name) throws IOException {
        return checked(super.nextFieldName(name));
    }

    @Override
    public String nextTextValue() throws IOException {
        return checked(super.nextTextValue());
    }

    private <T> T checked(T stepped) throws IOException {
        if (delegate.currentLocation().getCharOffset() - start > max) {
            throw new RecordLimit.TooLarge("longer than " + RecordLimit.describe(max) + ", the most a record may "
                    + "hold (ccsync.inbox.max-record-size)");
        }
        if (++values > MAX_VALUES) {
            throw new RecordLimit.TooLarge(String.format("made of more than %,d values, the most a record may hold",
                    MAX_VALUES));
        }
        return stepped;
    }
}
