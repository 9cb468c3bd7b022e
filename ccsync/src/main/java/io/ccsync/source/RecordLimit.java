package io.ccsync.source;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * The bound on one record's size ({@code ccsync.inbox.max-record-size}, in characters), so that one oversized record
 * (a 300 MB line, a CSV quote that never closes and swallows the rest of the file, one huge JSON object) cannot
 * exhaust memory. As a reader it counts the characters taken since the last {@link #nextRecord}: the CSV reader restarts it
 * after each record, and a record that reaches the bound throws {@link TooLarge}.
 */
final class RecordLimit extends FilterReader {
    /** The default: far more than any contact needs, little enough for a small heap. */
    static final int DEFAULT = 4 << 20;

    /** What a parser may read ahead of the record it is on (commons-csv buffers 8K): never counted against it. */
    private static final int READ_AHEAD = 1 << 16;

    private final int max;
    private long taken;

    RecordLimit(Reader in, int max) {
        super(in);
        this.max = max;
    }

    /** A record reached the bound. */
    static final class TooLarge extends IOException {
        TooLarge(int max) {
            this("longer than " + describe(max) + ", the most a record may hold (ccsync.inbox.max-record-size)");
        }

        TooLarge(String why) {
            super(why);
        }
    }

    /** "4,194,304 characters". */
    static String describe(int max) {
        return String.format("%,d characters", max);
    }

    /** A record ended: the next one starts counting from zero. */
    void nextRecord() {
        taken = 0;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0 && ++taken > (long) max + READ_AHEAD) {
            throw new TooLarge(max);
        }
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0 && (taken += n) > (long) max + READ_AHEAD) {
            throw new TooLarge(max);
        }
        return n;
    }
}
