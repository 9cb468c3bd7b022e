package io.ccsync.source;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lines (ended by LF, CRLF or CR, as {@link java.io.BufferedReader#readLine} ends them), each at most a bound of
 * characters: a longer line is read past without being kept and comes back as {@link #TOO_LONG}, so one huge line
 * costs no memory and the lines after it are read.
 *
 * <p>A line longer than the read buffer is held in the buffer-sized pieces it was read in, not in a growing
 * StringBuilder: doubling a builder towards the bound (4 MB by default) held its old and new arrays at once, both
 * large enough for the JVM to need a contiguous run of its heap, and under {@code -Xmx64m} that ran out of memory on
 * the way to rejecting an oversized line.
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
    private final List<char[]> pieces = new ArrayList<>(); // the line so far, when it began in an earlier buffer

    BoundedLines(Reader in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next line without its end, {@link #TOO_LONG}, or null at the end of the input. */
    String next() throws IOException {
        pieces.clear();
        long size = 0;
        boolean started = false;
        while (true) {
            if (position == length) {
                length = Math.max(0, in.read(buffer, 0, buffer.length));
                position = 0;
                if (length == 0) {
                    return !started ? null : line(size, 0, 0);
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
            if (position < length) {
                String line = line(size, start, position - start);
                afterCr = buffer[position++] == '\r';
                return line;
            }
            if (size <= max) {
                pieces.add(Arrays.copyOfRange(buffer, start, position)); // the buffer is read into again
            } else {
                pieces.clear(); // what was kept of it goes
            }
        }
    }

    /** The line of {@code size} characters: the pieces kept, then {@code tail} characters of the buffer. */
    private String line(long size, int from, int tail) {
        if (size > max) {
            pieces.clear();
            return TOO_LONG;
        }
        if (pieces.isEmpty()) {
            return new String(buffer, from, tail);
        }
        char[] text = new char[(int) size];
        int at = 0;
        for (char[] piece : pieces) {
            System.arraycopy(piece, 0, text, at, piece.length);
            at += piece.length;
        }
        pieces.clear();
        System.arraycopy(buffer, from, text, at, tail);
        return new String(text);
    }
}
