package io.ccsync.source;

import java.io.IOException;
import java.io.Reader;

/**
 * Lines (ended by LF, CRLF or CR, as {@link java.io.BufferedReader#readLine} ends them), each at most a bound of
 * characters: a longer line is read past without being kept and comes back as {@link #TOO_LONG}, so one huge line
 * costs no memory and the lines after it are read.
 */
final class BoundedLines {
    /** Stands for a line longer than the bound (compared by identity). */
    static final String TOO_LONG = new String("(too long)");

    private final Reader in;
    private final int max;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int length;
    private boolean afterCr; // a LF right after a CR ends no second line

    BoundedLines(Reader in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next line without its end, {@link #TOO_LONG}, or null at the end of the input. */
    String next() throws IOException {
        StringBuilder line = new StringBuilder(128);
        long size = 0;
        boolean started = false;
        while (true) {
            if (position == length) {
                length = Math.max(0, in.read(buffer, 0, buffer.length));
                position = 0;
                if (length == 0) {
                    return !started ? null : size > max ? TOO_LONG : line.toString();
                }
            }
            if (afterCr) {
                afterCr = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            started = true;
            int start = position;
            while (position < length && buffer[position] != '\n' && buffer[position] != '\r') {
                position++;
            }
            size += position - start;
            if (size <= max) {
                line.append(buffer, start, position - start);
            } else if (line.length() > 0) {
                line.setLength(0);
                line.trimToSize(); // what was kept of it goes
            }
            if (position < length) {
                afterCr = buffer[position++] == '\r';
                return size > max ? TOO_LONG : line.toString();
            }
        }
    }
}
