package io.ccsync.source;

import io.ccsync.contract.SourceRecord;
import java.io.Closeable;
import java.io.IOException;

/**
 * Reads one input file record by record, so that a file of any size is read in bounded memory. A line that cannot be
 * a record (a ragged CSV row, a broken NDJSON line) is handed to the {@link Rejections} given at construction and
 * skipped; an error after which nothing more can be read throws {@link UnreadableFileException}.
 */
interface RecordReader extends Closeable {

    /** The next record, or null at the end of the file. */
    SourceRecord next() throws IOException;

    /** The line numbers a person sees in an editor; the header of a CSV file is line 1. */
    interface Rejections {
        void reject(long line, String reason);
    }
}
